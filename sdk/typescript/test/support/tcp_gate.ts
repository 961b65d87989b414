// A TCP forwarder between the SDK and the server whose door the test opens and closes. It
// decides *when* the client can reconnect, so a test can make changes while the client is
// certainly away, and then let it resume.
import { createServer, connect, type Server, type Socket } from 'node:net';

export class TcpGate {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  private readonly pairs: [Socket, Socket][] = [];
  private open = true;
  port = 0;

  constructor(private targetPort: number) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async listen(): Promise<void> {
    this.server = createServer((client) => {
      if (!this.open) {
        client.destroy();
        return;
      }
      const upstream = connect(this.targetPort, '127.0.0.1');
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => {
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream);
      upstream.pipe(client);
      this.pairs.push([client, upstream]);
    });
    await new Promise<void>((done) => this.server?.listen(0, '127.0.0.1', done));
    const address = this.server.address();
    this.port = typeof address === 'object' && address ? address.port : 0;
  }

  /** Refuses new connections from now on (open ones die with the server behind them). */
  closeDoor(): void {
    this.open = false;
  }

  /** Open connections stop carrying bytes but stay open: a peer that went silent. */
  freeze(): void {
    for (const [client, upstream] of this.pairs.splice(0)) {
      client.unpipe(upstream);
      upstream.unpipe(client);
      client.pause();
      upstream.pause();
    }
  }

  openDoor(targetPort = this.targetPort): void {
    this.targetPort = targetPort;
    this.open = true;
  }

  async dispose(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((done) => this.server?.close(() => done()) ?? done());
  }
}
