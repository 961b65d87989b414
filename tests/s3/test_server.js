// The S3-compatible server of the object-storage tests: s3rver on a free loopback port,
// with a control endpoint that makes the next requests fail, so that tests can see the
// client's retries and a flush that outlives them.
//
//   node test_server.js <data-dir> <bucket>...
// prints "listening on http://127.0.0.1:<port>" once the buckets exist. Access key and
// secret are s3rver's: S3RVER / S3RVER.
//
//   POST /__faults?status=500&count=3[&method=PUT][&skip=1]
//                                                    the next 3 (PUT) requests answer 500
//                                                    (after letting `skip` of them through)
//   POST /__faults?hang=1&count=2[&method=PUT]       the next 2 get no answer at all
//   POST /__faults?clear=1                           back to normal
//   GET  /__faults                                   {"pending":N,"injected":M}
'use strict';

const http = require('http');
const S3rver = require('s3rver');

async function main() {
  const [directory, ...buckets] = process.argv.slice(2);
  if (!directory || buckets.length === 0) {
    console.error('usage: node test_server.js <data-dir> <bucket>...');
    process.exit(2);
  }
  const s3 = new S3rver({
    directory,
    silent: true,
    vhostBuckets: false,
    configureBuckets: buckets.map((name) => ({ name, configs: [] })),
  });
  await s3.configureBuckets();
  const handle = s3.callback();

  let fault = null;  // { status, hang, count, method }
  let injected = 0;
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://localhost');
    if (url.pathname === '/__faults') {
      if (req.method === 'POST') {
        const p = url.searchParams;
        fault = p.get('clear')
          ? null
          : {
              status: Number(p.get('status') || 0),
              hang: p.get('hang') === '1',
              count: Number(p.get('count') || 1),
              method: p.get('method') || '',
              skip: Number(p.get('skip') || 0),
            };
      }
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ pending: fault ? fault.count : 0, injected }));
      return;
    }
    const matches = fault && fault.count > 0 && (!fault.method || fault.method === req.method);
    if (matches && fault.skip > 0) {
      fault.skip -= 1;
    } else if (matches) {
      fault.count -= 1;
      injected += 1;
      if (fault.hang) {
        req.resume();  // read the body, never answer: the client's timeout must fire
        return;
      }
      const status = fault.status || 500;
      req.resume();
      req.on('end', () => {
        res.statusCode = status;
        res.setHeader('content-type', 'application/xml');
        res.end('<?xml version="1.0" encoding="UTF-8"?><Error><Code>InternalError</Code>' +
                '<Message>injected by the test</Message></Error>');
      });
      return;
    }
    handle(req, res);
  });
  server.listen(0, '127.0.0.1', () => {
    console.log(`listening on http://127.0.0.1:${server.address().port}`);
  });
  process.on('SIGTERM', () => process.exit(0));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
