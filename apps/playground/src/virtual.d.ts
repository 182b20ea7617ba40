/**
 * @file The types of `virtual:mnist`, the Train page's digits made at build time by vite.config.ts.
 */
declare module 'virtual:mnist' {
  /** How many digits. */
  export const count: number;
  /** count × 784 pixels, one byte each (0 white … 255 black ink), base64. */
  export const pixels: string;
  /** count labels 0–9, one byte each, base64. */
  export const labels: string;
}
