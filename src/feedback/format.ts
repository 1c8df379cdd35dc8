/** Number formatting for the sentences of recommendations. */

export const fixed = (x: number, digits = 2) => x.toFixed(digits);
export const pct = (x: number) => `${Math.round(x * 100)} %`;
/** "0.12 high" / "0.12 low" for a signed gap where positive means predicted above observed. */
export const highLow = (bias: number) => `${fixed(Math.abs(bias))} ${bias > 0 ? "high" : "low"}`;
