/** What this provider offers and whom it serves. */
export interface ProviderPolicy {
  cores: number;
  memoryMb: number;
  pricePerCoreSecond: bigint;
  runtimes: string[];
  /** When non-empty, only these requesters are served. */
  allowRequesters: string[];
  denyRequesters: string[];
}

/** Resources held by this provider's standing offers and hired jobs. */
export interface Usage {
  cores: number;
  memoryMb: number;
}
