/** A value that cannot be written into haproxy.cfg safely; the service carrying it is skipped. */
export class RenderError extends Error {
  readonly code = 'RENDER_UNSAFE_VALUE';
  constructor(message: string) {
    super(message);
    this.name = 'RenderError';
  }
}
