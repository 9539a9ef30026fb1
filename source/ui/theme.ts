/**
 * Colour, or none: with NO_COLOR set (https://no-color.org) the dashboard draws
 * no colour at all and reads by its symbols, bold, dim and inverse alone.
 */

export const colorEnabled = (process.env.NO_COLOR ?? '') === '';

/** The colour to pass to Ink's `color` prop, or undefined when colour is off. */
export function tint(color: string | undefined): string | undefined {
  return colorEnabled ? color : undefined;
}
