/**
 * A receiver of signed POSTs on 127.0.0.1 (a platform's webhook endpoint, an authority's callback URL): records each
 * request and answers it with the next planned status, then `fallback`; 'hang' never answers (a timeout).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received<T> {
  headers: http.IncomingHttpHeaders;
  body: string;
  json: T;
  answered: number | 'hang';
}

export async function receiver<T>(path: string, plan: Array<number | 'hang'> = [], fallback: number | 'hang' = 200) {
  const received: Received<T>[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const answer = plan.shift() ?? fallback;
      received.push({ headers: req.headers, body, json: JSON.parse(body) as T, answered: answer });
      if (answer === 'hang') return;
      res.writeHead(answer, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${path}`,
    received,
    plan,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
