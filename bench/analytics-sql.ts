/**
 * Nexmark-style queries through the analytics SQL engine over pre-decoded rows (no JSON): pass-through,
 * projection, filter, tumbling aggregation, sliding aggregation and a windowed stream-to-stream join.
 * Prints rows/s per query. Run: node --import tsx bench/analytics-sql.ts [rows]
 */
import { compileApplication, type InputSchemaDescriptor } from "../src/analytics/sql/engine.js";

const ROWS = Number(process.argv[2] ?? 1_000_000);
const BATCH_ROWS = 1000;
/** One batch per 100 ms of ROWTIME: 1M rows span 100 s, i.e. ten 10-second windows. */
const BATCH_INTERVAL_MS = 100;
const T0 = Date.UTC(2026, 0, 1);

const BID: InputSchemaDescriptor = {
  name: "BID",
  columns: [
    { name: "AUCTION", type: "BIGINT" },
    { name: "BIDDER", type: "BIGINT" },
    { name: "PRICE", type: "DOUBLE" },
    { name: "CHANNEL", type: "VARCHAR(16)" },
    { name: "URL", type: "VARCHAR(64)" },
  ],
};
const AUCTION: InputSchemaDescriptor = {
  name: "AUCTION",
  columns: [
    { name: "ID", type: "BIGINT" },
    { name: "SELLER", type: "BIGINT" },
    { name: "CATEGORY", type: "INTEGER" },
  ],
};

function bids(n: number): unknown[][][] {
  const channels = ["apple", "google", "facebook", "baidu"];
  const batches: unknown[][][] = [];
  let x = 12345;
  for (let b = 0; b < n / BATCH_ROWS; b++) {
    const batch: unknown[][] = [];
    for (let i = 0; i < BATCH_ROWS; i++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      batch.push([x % 1000, (x >>> 10) % 10_000, (x % 100_000) / 100, channels[x & 3], "https://www.nexmark.com/item.htm?query=1"]);
    }
    batches.push(batch);
  }
  return batches;
}

interface Query {
  name: string;
  kind: "stateless" | "windowed";
  sql: string;
  auctions?: boolean;
}

const QUERIES: Query[] = [
  {
    name: "q0 pass-through",
    kind: "stateless",
    sql: `CREATE STREAM O (AUCTION BIGINT, BIDDER BIGINT, PRICE DOUBLE, CHANNEL VARCHAR(16), URL VARCHAR(64));
          CREATE PUMP P AS INSERT INTO O SELECT STREAM * FROM BID;`,
  },
  {
    name: "q1 projection (currency conversion)",
    kind: "stateless",
    sql: `CREATE STREAM O (AUCTION BIGINT, BIDDER BIGINT, PRICE DOUBLE);
          CREATE PUMP P AS INSERT INTO O SELECT STREAM AUCTION, BIDDER, PRICE * 0.908E0 FROM BID;`,
  },
  {
    name: "q2 filter",
    kind: "stateless",
    sql: `CREATE STREAM O (AUCTION BIGINT, PRICE DOUBLE);
          CREATE PUMP P AS INSERT INTO O SELECT STREAM AUCTION, PRICE FROM BID WHERE AUCTION % 123 = 0;`,
  },
  {
    name: "tumbling aggregation (10 s, per auction)",
    kind: "windowed",
    sql: `CREATE STREAM O (AUCTION BIGINT, N BIGINT, HI DOUBLE, AV DOUBLE);
          CREATE PUMP P AS INSERT INTO O SELECT STREAM AUCTION, COUNT(*), MAX(PRICE), AVG(PRICE) FROM BID
          GROUP BY AUCTION, STEP(BID.ROWTIME BY INTERVAL '10' SECOND);`,
  },
  {
    name: "sliding aggregation (RANGE 10 s, per auction)",
    kind: "windowed",
    sql: `CREATE STREAM O (AUCTION BIGINT, PRICE DOUBLE, AV DOUBLE, HI DOUBLE);
          CREATE PUMP P AS INSERT INTO O SELECT STREAM AUCTION, PRICE, AVG(PRICE) OVER w, MAX(PRICE) OVER w FROM BID
          WINDOW w AS (PARTITION BY AUCTION RANGE INTERVAL '10' SECOND PRECEDING);`,
  },
  {
    name: "windowed join (bids to auctions of the last 10 s)",
    kind: "windowed",
    auctions: true,
    sql: `CREATE STREAM O (AUCTION BIGINT, PRICE DOUBLE, SELLER BIGINT);
          CREATE PUMP P AS INSERT INTO O SELECT STREAM b.AUCTION, b.PRICE, a.SELLER
          FROM AUCTION OVER (RANGE INTERVAL '10' SECOND PRECEDING) AS a JOIN BID AS b ON a.ID = b.AUCTION;`,
  },
];

/**
 * Rows per second of wall time, and per second of this process's CPU time (user + system): the second is the
 * per-core figure and stays meaningful when other processes compete for the machine's cores.
 */
function run(q: Query, data: unknown[][][]): { rowsPerSec: number; rowsPerCpuSec: number; out: number } {
  const app = compileApplication(q.sql, [BID, AUCTION]);
  let out = 0;
  app.onOutput("O", (rows) => {
    out += rows.length;
  });
  let auctionId = 0;
  const start = process.hrtime.bigint();
  const cpuStart = process.cpuUsage();
  let t = T0;
  for (const batch of data) {
    t += BATCH_INTERVAL_MS;
    if (q.auctions) {
      // Ten new auctions per batch, so the join's 10-second auction window holds about 1000 auctions.
      const fresh: unknown[][] = [];
      for (let k = 0; k < 10; k++, auctionId++) fresh.push([auctionId % 1000, auctionId, auctionId % 20]);
      app.push("AUCTION", fresh, t);
    }
    app.push("BID", batch, t);
  }
  app.advanceTime(t + 60_000);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const cpu = process.cpuUsage(cpuStart);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const rows = data.length * BATCH_ROWS;
  return { rowsPerSec: rows / seconds, rowsPerCpuSec: rows / cpuSeconds, out };
}

const data = bids(ROWS);
console.log(`analytics-sql bench: ${ROWS.toLocaleString()} pre-decoded rows, batches of ${BATCH_ROWS}, node ${process.version}`);
for (const q of QUERIES) {
  run(q, data.slice(0, Math.max(1, Math.floor(data.length / 10)))); // warm-up
  const r = run(q, data);
  const target = q.kind === "stateless" ? 1_000_000 : 500_000;
  console.log(
    `${q.name.padEnd(52)} ${Math.round(r.rowsPerCpuSec).toLocaleString().padStart(12)} rows/CPU-s ${Math.round(r.rowsPerSec)
      .toLocaleString()
      .padStart(12)} rows/s wall  (${r.out.toLocaleString()} out; target ${target.toLocaleString()}/core)`,
  );
}
