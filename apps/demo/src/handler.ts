import type { IncomingMessage, ServerResponse } from 'node:http';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

// Byte-for-byte what go-demo answers in the walkthrough (Content-Length 14).
export const HELLO_BODY = 'hello, world!\n';

/** The go-demo stand-in: every response names the task that served it, so tests can see the spread. */
export function createDemoHandler(servedBy: string): Handler {
  return (req, res) => {
    const path = new URL(req.url ?? '/', 'http://demo').pathname;
    res.setHeader('X-Served-By', servedBy);
    if (path === '/demo/hello') {
      send(res, 200, 'text/plain; charset=utf-8', HELLO_BODY);
    } else if (path === '/demo/person') {
      send(res, 200, 'application/json', `${JSON.stringify({ name: 'Viktor', servedBy })}\n`);
    } else if (path === '/health') {
      send(res, 200, 'text/plain; charset=utf-8', 'ok\n');
    } else {
      send(res, 404, 'text/plain; charset=utf-8', '404 page not found\n');
    }
  };
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}
