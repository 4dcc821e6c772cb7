/**
 * What a job paid, from the market's PaymentStarted and PaymentStopped events. It lives with
 * the payments so that they never import the chain's index (the index imports it instead).
 */
export interface JobPayment {
  /** Token wei per second the job streams: cores x the agreed price. */
  rateWei: bigint;
  /** Set when the payment stopped. */
  stopped:
    | {
        streamedSeconds: number;
        refundedWei: bigint;
        /** rate x streamedSeconds - refunded: exact when flowWasLive, else an upper bound. */
        costWei: bigint;
        /** False when the requester or a liquidation had already removed the flow. */
        flowWasLive: boolean;
      }
    | undefined;
}
