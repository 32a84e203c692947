// Prints what a first visit downloads, as the server sends it: the page and the files it links,
// raw and compressed (br and gzip), against the budget of 250 kB compressed. Then what the service
// worker precaches on top of that for offline use.
const http = require("http");

const base = process.argv[2] || "http://127.0.0.1:3000";
const BUDGET = 250 * 1024;

function get(path, encoding) {
  return new Promise((resolve, reject) => {
    const req = http.get(base + path, { headers: { "accept-encoding": encoding } }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode, body: Buffer.concat(chunks), encoding: res.headers["content-encoding"] || "identity" }));
    });
    req.on("error", reject);
  });
}

async function measure(path) {
  const raw = await get(path, "identity");
  const br = await get(path, "br");
  const gz = await get(path, "gzip");
  if (raw.status !== 200) throw new Error(`${path}: HTTP ${raw.status}`);
  return { path, raw: raw.body.length, br: br.body.length, brEnc: br.encoding, gzip: gz.body.length, text: raw.body.toString("utf8") };
}

const kB = (n) => (n / 1024).toFixed(1).padStart(8);

(async () => {
  const page = await measure("/");
  const links = new Set();
  for (const m of page.text.matchAll(/(?:href|src)="(\/pkg\/[^"]+)"/g)) links.add(m[1]);
  // The hydration script imports the JS and fetches the wasm named in it.
  for (const m of page.text.matchAll(/["'](\/pkg\/[^"']+\.(?:js|wasm))["']/g)) links.add(m[1]);
  const rows = [page];
  for (const link of [...links].sort()) rows.push(await measure(link));

  console.log(`first visit of ${base}/`);
  console.log(`${"file".padEnd(40)} ${"raw kB".padStart(8)} ${"gzip kB".padStart(8)} ${"br kB".padStart(8)}`);
  let total = { raw: 0, br: 0, gzip: 0 };
  for (const r of rows) {
    console.log(`${r.path.padEnd(40)} ${kB(r.raw)} ${kB(r.gzip)} ${kB(r.br)}${r.brEnc === "br" ? "" : "  (sent uncompressed)"}`);
    total.raw += r.raw; total.br += r.br; total.gzip += r.gzip;
  }
  console.log(`${"total".padEnd(40)} ${kB(total.raw)} ${kB(total.gzip)} ${kB(total.br)}`);
  const best = Math.min(total.br, total.gzip);
  console.log(`budget 250.0 kB compressed: ${(best / 1024).toFixed(1)} kB used, ${best <= BUDGET ? "within" : "OVER"} budget`);

  const sw = (await get("/sw.js", "identity")).body.toString("utf8");
  const precache = JSON.parse(sw.match(/const PRECACHE = (\[.*?\]);/s)[1]);
  let extra = 0;
  for (const p of precache) {
    if (p === "/" || links.has(p)) continue;
    extra += (await get(p, "br")).body.length;
  }
  console.log(`service worker precache beyond that: ${precache.length} entries, ${(extra / 1024).toFixed(1)} kB more as sent`);
})().catch((e) => { console.error(e); process.exit(1); });
