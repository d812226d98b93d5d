/**
 * A value that cannot be written into haproxy.cfg safely; the service carrying it is skipped.
 * `param` names the parameter when the thrower knows it; otherwise `value` (the offending text)
 * lets buildModel find the parameter that holds it.
 */
export class RenderError extends Error {
  readonly code = 'RENDER_UNSAFE_VALUE';
  constructor(
    message: string,
    readonly at: { readonly param?: string; readonly value?: string } = {},
  ) {
    super(message);
    this.name = 'RenderError';
  }
}
