import axios from 'axios';
import type { Transport } from './deliver.js';

const MAX_BODY = 2000;

/**
 * axios as a Transport: every status resolves (classify decides), transport errors are values.
 * `defaults` go with every request (the API credentials the proxy requires, when set), under the
 * attempt's own headers.
 */
export const httpTransport =
  (defaults: Readonly<Record<string, string>> = {}): Transport =>
  async ({ url, method, timeoutMs, signal, headers }) => {
    try {
      const res = await axios.request<string>({
        url,
        method,
        timeout: timeoutMs,
        signal,
        headers: { ...defaults, ...headers },
        responseType: 'text',
        transformResponse: (d: unknown) => d,
        validateStatus: () => true,
        maxRedirects: 5,
      });
      const body = typeof res.data === 'string' ? res.data.slice(0, MAX_BODY) : '';
      return { status: res.status, body };
    } catch (e) {
      if (signal.aborted) throw signal.reason ?? e;
      const err = e as { code?: string; message?: string };
      return { transportError: err.code ? `${err.code}: ${err.message ?? ''}` : (err.message ?? String(e)) };
    }
  };
