/** Minimum and median of repeated measurements (these machines are noisy: report both). */
export function summary(values: number[]): { min: number; median: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { min: sorted[0]!, median };
}

export function fmt(n: number, digits = 1): string {
  return n.toFixed(digits);
}
