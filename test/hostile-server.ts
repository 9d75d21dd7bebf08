import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after } from 'node:test';

/** One request as a hostile server saw it. */
export interface SeenRequest {
  /** Date.now() when its headers arrived. */
  readonly at: number;
  readonly method: string;
  readonly url: string;
  readonly authorization: string | undefined;
}

export interface HostileServer {
  readonly origin: string;
  readonly requests: SeenRequest[];
}

/**
 * An HTTP server on loopback that answers however `answer` likes (a 429 that
 * asks for no wait, an endless body, a connection closed mid-answer...), as
 * the real API must be assumed able to. It records every request, and is
 * closed, connections and all, once the test file is done.
 */
export async function hostileServer(answer: (request: IncomingMessage, response: ServerResponse, seen: SeenRequest) => void): Promise<HostileServer> {
  const requests: SeenRequest[] = [];
  const server = createServer((request, response) => {
    const seen = { at: Date.now(), method: request.method ?? '', url: request.url ?? '', authorization: request.headers.authorization };
    requests.push(seen);
    // The body is read whatever the answer, as a server does before it answers.
    request.resume();
    answer(request, response, seen);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  after(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests };
}
