/**
 * What a job paid, from the market's JobStarted (at the hire's rate) and PaymentStopped events. It lives with
 * the payments so that they never import the chain's index (the index imports it instead).
 */
export interface JobPayment {
  /** Token wei per second the job streams: cores x the agreed price. */
  rateWei: bigint;
  /** Set when the payment stopped. */
  stopped:
    | {
        /** Seconds the flow paid for the job: paid / rate. */
        streamedSeconds: number;
        /** What the pair's flow moved for this job, by the market's accounting of the flow. */
        paidWei: bigint;
        /** What the provider's bond gave back of it beyond rate x (timeout + grace). */
        refundedWei: bigint;
        /** paid - refunded: what the run cost the requester. */
        costWei: bigint;
        /**
         * False when someone else changed the flow at a time the market cannot know: that
         * stretch counts as unpaid, so paid (and cost) is then a lower bound.
         */
        exact: boolean;
      }
    | undefined;
}
