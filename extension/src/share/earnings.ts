/** The daemon's earnings as /status reports them (bigints as decimal strings). */
export interface EarningsReport {
  settledWei: string;
  incomingFlowRateWei: string;
  /** Unix seconds the report was made. */
  at: number;
}

/**
 * What the provider has earned at `nowMs`: the settled amount plus the incoming flows since the
 * report. The view redraws this every second between polls, so it ticks without a request.
 */
export function earnedAt(report: EarningsReport, nowMs: number): bigint {
  const elapsed = Math.max(0, Math.floor(nowMs / 1000) - report.at);
  return BigInt(report.settledWei) + BigInt(report.incomingFlowRateWei) * BigInt(elapsed);
}
