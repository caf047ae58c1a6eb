// Vendored copy of ../shared/tools/gen-corpus.mjs (the team's corpus generator), so that
// benchmarks run from a fresh clone. Benchmarks prefer ../shared/tools/gen-corpus.mjs when present.
// Deterministic (seeded) generator of a news-article corpus: Markdown + YAML front matter.
//
//   node gen-corpus.mjs <N> <outDir> [--seed=42] [--layout=tree|posts]
//
//   --layout=tree  (default) <outDir>/YYYY/MM/<slug>.md          (the feed service / Hugo layout)
//   --layout=posts           <outDir>/YYYY-MM-DD-<slug>.md        (Jekyll _posts naming)
//
// Same N + seed => byte-identical articles in either layout (only the file names differ).
// Article i depends only on (seed, i), so corpus-1k is a prefix of corpus-10k etc.
// Shape: ~8 categories, languages en (~60%) / th (~40%, Thai text), dates spread uniformly over
// 2023-01-01..2024-12-31 (UTC), ~20% with empty `title` (real title = first non-empty body line),
// bodies 6-9 KB (UTF-8 bytes) with #### headings, 2 images, links and quoted paragraphs.
import fs from 'node:fs';
import path from 'node:path';

const args = process.argv.slice(2);
const positional = args.filter((a) => !a.startsWith('--'));
const opt = Object.fromEntries(args.filter((a) => a.startsWith('--')).map((a) => {
  const [k, v] = a.slice(2).split('=');
  return [k, v ?? 'true'];
}));
const N = Number(positional[0]);
const outDir = positional[1];
if (!Number.isInteger(N) || N <= 0 || !outDir) {
  console.error('usage: node gen-corpus.mjs <N> <outDir> [--seed=42] [--layout=tree|posts]');
  process.exit(2);
}
const SEED = Number(opt.seed ?? 42);
const LAYOUT = opt.layout ?? 'tree';

// mulberry32: small, fast, deterministic PRNG
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
// per-article seed so that article i is independent of N
const seedFor = (i) => (Math.imul(SEED ^ 0x9e3779b9, 2654435761) + Math.imul(i + 1, 0x85ebca6b)) >>> 0;

const CATEGORIES = [
  ['WORLD', 20], ['BUSINESS', 16], ['THAILAND', 18], ['SPORTS', 12],
  ['LIFE', 10], ['TECH', 10], ['OPINION', 8], ['ENTERTAINMENT', 6],
];
const CAT_TOTAL = CATEGORIES.reduce((s, [, w]) => s + w, 0);

const EN_WORDS = ('the government said on monday that new measures would be introduced to support '
  + 'small businesses affected by rising energy costs and slowing exports while analysts warned '
  + 'that inflation could remain elevated through the second half of the year central bank '
  + 'officials are expected to meet next week to review interest rates amid growing pressure from '
  + 'industry groups tourism arrivals rebounded strongly in the third quarter with visitors from '
  + 'china india and europe leading the recovery according to preliminary figures released by the '
  + 'ministry police reported that heavy rain caused flooding in several northern provinces and '
  + 'residents were evacuated to temporary shelters the prime minister visited the affected areas '
  + 'and pledged emergency funding for reconstruction of roads bridges and schools meanwhile the '
  + 'opposition criticised the budget plan calling it unrealistic and demanding a full debate in '
  + 'parliament the national team secured a dramatic victory in the final minutes of the match '
  + 'thanks to a penalty awarded after a lengthy video review fans celebrated late into the night '
  + 'researchers at the university unveiled a low cost sensor that can detect air pollution in real '
  + 'time and share data with a mobile application the startup raised fresh funding from regional '
  + 'investors to expand its platform across southeast asia experts say the technology could help '
  + 'cities respond faster to haze episodes during the dry season').split(' ');
const EN_TITLE_WORDS = ('Government Unveils Plan Boost Exports Amid Slowdown Tourism Rebounds Record '
  + 'Flood Victims Receive Aid Central Bank Holds Rates Startup Raises Funding Football Team Wins '
  + 'Final Minister Pledges Reform Haze Returns North Festival Draws Crowds Court Rules Case Election '
  + 'Commission Warns Parties Prices Rise Fuel Investors Eye Market Rally Heatwave Grips Capital').split(' ');
const TH_WORDS = ['รัฐบาล', 'ประกาศ', 'มาตรการ', 'ใหม่', 'เพื่อ', 'ช่วยเหลือ', 'ผู้ประกอบการ', 'รายย่อย',
  'ที่ได้รับ', 'ผลกระทบ', 'จาก', 'ราคาพลังงาน', 'ที่สูงขึ้น', 'นักวิเคราะห์', 'คาดว่า', 'เงินเฟ้อ',
  'จะยังคง', 'อยู่ในระดับสูง', 'ธนาคารแห่งประเทศไทย', 'การประชุม', 'อัตราดอกเบี้ย', 'นักท่องเที่ยว',
  'ต่างชาติ', 'เดินทางเข้า', 'ประเทศไทย', 'เพิ่มขึ้น', 'อย่างต่อเนื่อง', 'กระทรวง', 'เปิดเผย', 'ว่า',
  'ฝนตกหนัก', 'ทำให้', 'เกิด', 'น้ำท่วม', 'หลายจังหวัด', 'ภาคเหนือ', 'ประชาชน', 'อพยพ', 'ไปยัง',
  'ศูนย์พักพิง', 'ชั่วคราว', 'นายกรัฐมนตรี', 'ลงพื้นที่', 'ตรวจเยี่ยม', 'และ', 'ให้คำมั่น', 'งบประมาณ',
  'ฉุกเฉิน', 'ฟื้นฟู', 'ถนน', 'สะพาน', 'โรงเรียน', 'ฝ่ายค้าน', 'วิจารณ์', 'แผน', 'ทีมชาติไทย',
  'คว้าชัย', 'ในนาทีสุดท้าย', 'แฟนบอล', 'เฉลิมฉลอง', 'นักวิจัย', 'มหาวิทยาลัย', 'เปิดตัว', 'เซ็นเซอร์',
  'ตรวจวัด', 'ฝุ่น', 'PM2.5', 'แบบเรียลไทม์', 'สตาร์ทอัพ', 'ระดมทุน', 'ขยายธุรกิจ', 'ในภูมิภาค',
  'อาเซียน', 'ผู้เชี่ยวชาญ', 'กล่าวว่า', 'เทคโนโลยี', 'นี้', 'จะช่วย', 'ให้', 'เมือง', 'รับมือ',
  'ปัญหา', 'หมอกควัน', 'ได้เร็วขึ้น', 'ในช่วง', 'ฤดูแล้ง'];

const B36 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const START = Date.UTC(2023, 0, 1);
const SPAN = Date.UTC(2025, 0, 1) - START;
const pad = (n, w = 2) => String(n).padStart(w, '0');
const yamlStr = (s) => JSON.stringify(s); // JSON string literal is valid YAML double-quoted scalar

function article(i) {
  const r = rng(seedFor(i));
  const pick = (arr) => arr[Math.floor(r() * arr.length)];
  const int = (lo, hi) => lo + Math.floor(r() * (hi - lo + 1));
  const lang = r() < 0.6 ? 'en' : 'th';
  let w = r() * CAT_TOTAL;
  let category = CATEGORIES[0][0];
  for (const [c, cw] of CATEGORIES) { if ((w -= cw) < 0) { category = c; break; } }
  const date = new Date(START + Math.floor(r() * SPAN));
  const emptyTitle = r() < 0.2;
  const id = 2_000_000 + i;

  const enWords = (n) => { const a = []; for (let k = 0; k < n; k++) a.push(pick(EN_WORDS)); return a; };
  const thWords = (n) => { // Thai: no spaces inside a clause, spaces between clauses
    let s = ''; for (let k = 0; k < n; k++) { s += pick(TH_WORDS); if (r() < 0.2) s += ' '; } return s.trim();
  };
  const sentence = () => {
    if (lang === 'th') return thWords(int(6, 14));
    const ws = enWords(int(10, 24));
    ws[0] = ws[0][0].toUpperCase() + ws[0].slice(1);
    return ws.join(' ') + '.';
  };
  const titleWords = [];
  for (let k = int(5, 9); k > 0; k--) titleWords.push(pick(EN_TITLE_WORDS));
  const enTitle = titleWords.join(' ');
  const title = lang === 'th' ? thWords(int(4, 7)) : enTitle;
  const slug = titleWords.slice(0, 6).join('-').toLowerCase() + '-' + id;
  const origin = `https://www.example-news.com/${category.toLowerCase()}/${id}/${slug}`;
  const img = () => `https://images.example.com/${Math.floor(r() * 0xffffffff).toString(16)}.jpg`;
  const code = 'ART' + String(date.getUTCFullYear()).slice(2) + pad(date.getUTCMonth() + 1)
    + pad(date.getUTCDate()) + pad(date.getUTCHours()) + pad(date.getUTCMinutes())
    + Array.from({ length: 6 }, () => B36[int(0, 35)]).join('');
  const description = [sentence(), sentence()].join(' ');

  const target = int(6 * 1024, 9 * 1024);
  const parts = [];
  let bytes = 0;
  const push = (s) => { parts.push(s); bytes += Buffer.byteLength(s) + 2; };
  if (emptyTitle) push(title);
  const nImages = 2;
  let imagesPlaced = 0;
  let para = 0;
  while (bytes < target) {
    if (para > 0 && para % 4 === 0) push(`#### ${lang === 'th' ? thWords(int(3, 5)) : enWords(int(3, 6)).join(' ')}`);
    if (imagesPlaced < nImages && (para === 1 || para === 6)) {
      push(`![${lang === 'th' ? thWords(3) : enWords(4).join(' ')}](${img()})`);
      imagesPlaced++;
    }
    let p = '';
    const ns = int(3, 6);
    for (let k = 0; k < ns; k++) {
      let s = sentence();
      if (r() < 0.25) s = `“${s}” ${lang === 'th' ? 'เขากล่าว' : 'he said.'}`;
      if (r() < 0.12) s += ` [${lang === 'th' ? 'อ่านต่อ' : 'Read more'}](https://www.example-news.com/${pick(CATEGORIES)[0].toLowerCase()}/${id - int(1, 5000)})`;
      p += (k ? ' ' : '') + s;
    }
    if (r() < 0.1) p = '> ' + p;
    push(p);
    para++;
  }
  const body = parts.join('\n\n') + '\n';
  const fm = [
    '---',
    'layout: post',
    `code: ${yamlStr(code)}`,
    `origin_url: ${yamlStr(origin)}`,
    `image: ${yamlStr(img())}`,
    `title: ${yamlStr(emptyTitle ? '' : title)}`,
    `description: ${yamlStr(description)}`,
    `category: ${yamlStr(category)}`,
    `language: ${yamlStr(lang)}`,
    `date: ${date.toISOString()}`,
    '---',
    '',
  ].join('\n');
  return { date, slug, text: fm + body };
}

const t0 = performance.now();
let total = 0;
const made = new Set();
for (let i = 0; i < N; i++) {
  const a = article(i);
  const y = a.date.getUTCFullYear();
  const m = pad(a.date.getUTCMonth() + 1);
  let dir; let file;
  if (LAYOUT === 'posts') { dir = outDir; file = `${y}-${m}-${pad(a.date.getUTCDate())}-${a.slug}.md`; }
  else { dir = path.join(outDir, String(y), m); file = `${a.slug}.md`; }
  if (!made.has(dir)) { fs.mkdirSync(dir, { recursive: true }); made.add(dir); }
  fs.writeFileSync(path.join(dir, file), a.text);
  total += Buffer.byteLength(a.text);
}
console.log(JSON.stringify({ n: N, seed: SEED, layout: LAYOUT, outDir, bytes: total,
  avgBytes: Math.round(total / N), ms: Math.round(performance.now() - t0) }));
