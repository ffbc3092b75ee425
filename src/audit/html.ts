/**
 * The self-contained HTML report: one file, no network (Chart.js's UMD build is inlined from node_modules and a
 * Content-Security-Policy forbids every fetch), charts drawn by Chart.js from the report's data.
 *
 * Every string from the input (pseudonyms, names with --names, subjects and excerpts with --excerpts, where)
 * reaches the page either through `escapeHtml` into markup or as data that Chart.js draws on a canvas; the data
 * block is JSON with `<` escaped, so `</script>` in a subject cannot end it.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { bandOf, CONFIDENCE_BANDS, confidencePercent } from '../channels/confidence.js';
import { protocolLabel } from '../lint/format/text.js';
import type { AuditReport } from './report.js';
import type { Counts } from './tally.js';

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);
}

/** JSON that is safe inside a <script> element: no `<`, and no line separators that old parsers choke on. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

let chartJs: string | undefined;
function chartLibrary(): string {
  if (chartJs === undefined) {
    const require = createRequire(import.meta.url);
    const file = join(dirname(require.resolve('chart.js')), 'chart.umd.min.js');
    chartJs = readFileSync(file, 'utf8')
      .replace(/\/\/# sourceMappingURL=.*$/m, '')
      .replace(/<\/script/gi, '<\\/script');
  }
  return chartJs;
}

function countsTable(title: string, counts: Counts, head: [string, string]): string {
  const rows = Object.entries(counts)
    .map(([k, n]) => `<tr><td>${escapeHtml(k)}</td><td class="n">${n}</td></tr>`)
    .join('');
  return `<section class="table"><h2>${escapeHtml(title)}</h2><table><thead><tr><th>${head[0]}</th><th class="n">${head[1]}</th></tr></thead><tbody>${rows || '<tr><td colspan="2">none</td></tr>'}</tbody></table></section>`;
}

/** The page's script: builds the charts from the JSON data block. Plain ES2017, no templating of data into code. */
const CHART_SCRIPT = `
(function () {
  var data = JSON.parse(document.getElementById('audit-data').textContent);
  var palette = ['#1f77b4','#d62728','#2ca02c','#ff7f0e','#9467bd','#8c564b','#e377c2','#7f7f7f','#bcbd22','#17becf','#393b79','#637939','#8c6d31'];
  Chart.defaults.animation = false;
  Chart.defaults.font.family = 'system-ui, sans-serif';
  var months = Object.keys(data.messagesByMonth);
  var rules = Object.keys(data.ruleByMonth);
  new Chart(document.getElementById('chart-rules-months'), {
    type: 'bar',
    data: { labels: months, datasets: rules.map(function (rule, i) {
      return { label: rule, backgroundColor: palette[i % palette.length], data: months.map(function (m) { return data.ruleByMonth[rule][m] || 0; }) };
    }) },
    options: { responsive: true, maintainAspectRatio: false, scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, title: { display: true, text: 'findings' } } } }
  });
  var pairs = Object.keys(data.byRolePair);
  new Chart(document.getElementById('chart-role-pairs'), {
    type: 'bar',
    data: { labels: pairs, datasets: [{ label: 'findings', backgroundColor: '#1f77b4', data: pairs.map(function (p) { return data.byRolePair[p]; }) }] },
    options: { indexAxis: 'y', responsive: true, maintainAspectRatio: false, plugins: { legend: { display: false } }, scales: { x: { beginAtZero: true } } }
  });
  new Chart(document.getElementById('chart-clauses'), {
    type: 'bar',
    data: { labels: data.topClauses.map(function (c) { return c.label; }), datasets: [{ label: 'findings citing the clause', backgroundColor: '#d62728', data: data.topClauses.map(function (c) { return c.count; }) }] },
    options: { indexAxis: 'y', responsive: true, maintainAspectRatio: false, plugins: { legend: { display: false } }, scales: { x: { beginAtZero: true } } }
  });
  var sev = ['error', 'warning', 'info'];
  new Chart(document.getElementById('chart-severity'), {
    type: 'doughnut',
    data: { labels: sev, datasets: [{ data: sev.map(function (s) { return data.bySeverity[s] || 0; }), backgroundColor: ['#d62728', '#ff7f0e', '#1f77b4'] }] },
    options: { responsive: true, maintainAspectRatio: false }
  });
  document.body.setAttribute('data-charts', 'rendered');
})();
`;

/**
 * The confidence filter: hides findings (rows with data-confidence, a percentage) and band columns (data-band-min)
 * below the chosen level. Plain ES2017, reads only the page.
 */
const FILTER_SCRIPT = `
(function () {
  var select = document.getElementById('confidence-filter');
  if (!select) return;
  function apply() {
    var min = Number(select.value);
    var rows = document.querySelectorAll('tr[data-confidence]');
    var shown = 0;
    for (var i = 0; i < rows.length; i++) {
      var keep = Number(rows[i].getAttribute('data-confidence')) >= min;
      rows[i].hidden = !keep;
      if (keep && rows[i].closest('#finding-list')) shown++;
    }
    var cells = document.querySelectorAll('[data-band-min]');
    for (var j = 0; j < cells.length; j++) cells[j].hidden = Number(cells[j].getAttribute('data-band-min')) < min;
    var count = document.getElementById('confidence-shown');
    if (count) count.textContent = shown + ' of ' + document.querySelectorAll('#finding-list tr[data-confidence]').length + ' listed findings shown';
    document.body.setAttribute('data-confidence-filter', String(min));
  }
  select.addEventListener('change', apply);
  apply();
})();
`;

/** A finding's confidence as the page shows it: "fairly sure (82%)". */
function sureText(confidence: number): string {
  return `${bandOf(confidence).label} (${confidencePercent(confidence)}%)`;
}

function confidenceSections(report: AuditReport): string {
  const bands = report.confidence.bands;
  const minOf = (band: string) => CONFIDENCE_BANDS.find((b) => b.band === band)?.min ?? 0;
  const head = bands
    .map((b) => `<th class="n" data-band-min="${minOf(b.band)}">${escapeHtml(b.label)}<br><span class="note">${escapeHtml(b.range)}</span></th>`)
    .join('');
  const row = (label: string, counts: Counts) =>
    `<tr><td>${escapeHtml(label)}</td>${bands.map((b) => `<td class="n" data-band-min="${minOf(b.band)}">${counts[b.band] ?? 0}</td>`).join('')}</tr>`;
  const rules = Object.entries(report.ruleByConfidence)
    .map(([rule, counts]) => row(rule, counts))
    .join('');
  const threshold =
    report.confidence.threshold > 0
      ? ` Only findings Probity was at least ${Math.round(report.confidence.threshold * 100)}% sure of were counted (${report.confidence.source === 'option' ? '--min-confidence' : "the council's audit threshold"}).`
      : '';
  const options = [
    '<option value="0">of any confidence</option>',
    ...[...CONFIDENCE_BANDS]
      .reverse()
      .filter((b) => b.min > 0)
      .map((b) => `<option value="${b.min}">Probity is at least ${b.min}% sure of</option>`),
  ].join('');
  const listed = report.findingList.listed
    .map((f) => {
      const percent = confidencePercent(f.confidence);
      return `<tr data-confidence="${percent}"><td>${escapeHtml(f.where)}</td><td>${escapeHtml(f.month)}</td><td>${escapeHtml(f.from)}</td><td>${escapeHtml(f.rule)} (${escapeHtml(f.severity)})</td><td>${f.clause ? escapeHtml(f.clause) : ''}</td><td class="n">${escapeHtml(sureText(f.confidence))}</td></tr>`;
    })
    .join('');
  const unlisted =
    report.findingList.unlisted > 0 ? ` The first ${report.findingList.listed.length} are listed; ${report.findingList.unlisted} more are counted above.` : '';
  return `<section class="wide"><h2>How sure Probity is</h2>
<p class="note">Each finding carries a confidence: how likely it is to be right, learned from messages people have labelled. Of findings at 80%, about 8 in 10 are right.${escapeHtml(threshold)}</p>
<p><label>Show findings <select id="confidence-filter">${options}</select></label> <span class="note" id="confidence-shown"></span></p>
<table class="by-confidence"><thead><tr><th>rule</th>${head}</tr></thead><tbody>${rules || `<tr><td colspan="${bands.length + 1}">none</td></tr>`}${rules ? row('all rules', report.byConfidence) : ''}</tbody></table></section>
<section class="wide"><h2>Findings, with how sure Probity is</h2><p class="note">No message text: where each finding is, who sent it (${report.people.mode === 'names' ? 'by name' : 'by pseudonym'}), the rule, the clause and the confidence.${escapeHtml(unlisted)}</p>
<div class="scroll"><table id="finding-list"><thead><tr><th>where</th><th>month</th><th>from</th><th>rule</th><th>clause</th><th class="n">Probity is</th></tr></thead><tbody>${listed || '<tr><td colspan="6">none</td></tr>'}</tbody></table></div></section>`;
}

const STYLE = `
body{font:14px/1.45 system-ui,sans-serif;margin:0;color:#222;background:#f6f7f9}
header{background:#1d2b3a;color:#fff;padding:18px 28px}header h1{margin:0 0 4px;font-size:22px}header p{margin:0;opacity:.85}
main{padding:20px 28px;display:grid;grid-template-columns:repeat(auto-fit,minmax(440px,1fr));gap:18px}
section{background:#fff;border:1px solid #dde1e6;border-radius:6px;padding:14px 16px}section h2{font-size:15px;margin:0 0 10px}
.wide{grid-column:1/-1}.chart{position:relative;height:300px}
.totals{display:flex;gap:26px;flex-wrap:wrap}.totals div{font-size:12px;color:#555}.totals b{display:block;font-size:24px;color:#111}
table{border-collapse:collapse;width:100%}td,th{text-align:left;padding:3px 8px;border-bottom:1px solid #eee;vertical-align:top}.n{text-align:right;font-variant-numeric:tabular-nums}
.note{font-size:12px;color:#555}.warn{color:#a15c00}
.scroll{max-height:480px;overflow:auto}[hidden]{display:none!important}
`;

/** The member enquiries' response times (`--enquiries`): tables, every figure a count or a median. */
function enquiriesSection(report: AuditReport): string {
  const e = report.enquiries;
  if (!e) return '';
  const hours = (h: number | null) => (h === null ? '–' : String(h));
  const pct = (part: number, of: number) => (of === 0 ? '–' : `${part} of ${of} (${Math.round((part / of) * 100)}%)`);
  const services = e.byService.map((s) => `<tr><td>${escapeHtml(s.name)}</td><td class="n">${s.open}</td><td class="n">${s.overdue}</td></tr>`).join('');
  const onTime = e.onTime
    .map(
      (s) =>
        `<tr><td>${escapeHtml(s.name)}</td><td class="n">${pct(s.acknowledgedOnTime, s.acknowledged)}</td><td class="n">${pct(s.answeredOnTime, s.answered)}</td></tr>`,
    )
    .join('');
  const medians = e.medians
    .flatMap((m) =>
      e.months
        .map((month, i) => ({ month, i }))
        .filter(({ i }) => m.acknowledged[i]! > 0 || m.answered[i]! > 0)
        .map(
          ({ month, i }) =>
            `<tr><td>${escapeHtml(m.name)}</td><td>${escapeHtml(month)}</td><td class="n">${hours(m.acknowledge[i]!)}</td><td class="n">${m.acknowledged[i]}</td><td class="n">${hours(m.answer[i]!)}</td><td class="n">${m.answered[i]}</td></tr>`,
        ),
    )
    .join('');
  return `<section class="wide" id="enquiries"><h2>Member enquiries: response times</h2>
<p class="note">${escapeHtml(e.months[0] ?? '')} to ${escapeHtml(e.months.at(-1) ?? '')}, from the enquiry store (${escapeHtml(e.source)}) on ${escapeHtml(e.now)}. Acknowledge within ${escapeHtml(e.periods.acknowledge)}, answer within ${escapeHtml(e.periods.answer)}; a holding reply's new date counts as the date in force. Counts and medians only: no subject line and no person.</p>
<div class="totals"><div><b>${e.open}</b>open now</div><div><b>${e.overdue}</b>overdue now</div></div>
<table><thead><tr><th>service</th><th class="n">open</th><th class="n">overdue</th></tr></thead><tbody>${services || '<tr><td colspan="3">none</td></tr>'}</tbody></table>
<h3>On time, by service</h3>
<table><thead><tr><th>service</th><th class="n">acknowledged on time</th><th class="n">answered on time</th></tr></thead><tbody>${onTime || '<tr><td colspan="3">none</td></tr>'}</tbody></table>
<h3>Median hours to acknowledge and to answer, by service and month</h3>
<table><thead><tr><th>service</th><th>month</th><th class="n">median hours to acknowledge</th><th class="n">acknowledged</th><th class="n">median hours to answer</th><th class="n">answered</th></tr></thead><tbody>${medians || '<tr><td colspan="6">none</td></tr>'}</tbody></table></section>`;
}

export function renderHtml(report: AuditReport): string {
  const t = report.totals;
  const clauses = report.topClauses.map((c) => ({ label: `${protocolLabel(c.protocol)} ${c.ref}`, count: c.count }));
  const data = {
    messagesByMonth: report.messagesByMonth,
    ruleByMonth: report.ruleByMonth,
    byRolePair: report.byRolePair,
    bySeverity: report.bySeverity,
    topClauses: clauses,
  };
  const senders = report.topSenders
    .map((s) => `<tr><td>${escapeHtml(s.label)}</td><td>${escapeHtml(s.role)}</td><td class="n">${s.messages}</td><td class="n">${s.findings}</td></tr>`)
    .join('');
  const clauseRows = report.topClauses
    .map((c) => `<tr><td>${escapeHtml(protocolLabel(c.protocol))} ${escapeHtml(c.ref)}</td><td>${escapeHtml(c.rule)}</td><td class="n">${c.count}</td></tr>`)
    .join('');
  const examples = report.examples
    ? `<section class="wide"><h2>Examples (--excerpts)</h2><table><thead><tr><th>where</th><th>from</th><th>rule</th><th>subject</th><th>excerpt</th><th class="n">Probity is</th></tr></thead><tbody>${report.examples
        .map(
          (e) =>
            `<tr data-confidence="${confidencePercent(e.confidence)}"><td>${escapeHtml(e.where)}</td><td>${escapeHtml(e.from)}</td><td>${escapeHtml(e.rule)} (${escapeHtml(e.severity)})</td><td>${escapeHtml(e.subject ?? '')}</td><td>${escapeHtml(e.excerpt)}</td><td class="n">${escapeHtml(sureText(e.confidence))}</td></tr>`,
        )
        .join('')}</tbody></table></section>`
    : '';
  const unreadable =
    t.unreadable > 0
      ? `<section><h2>Unreadable entries</h2><p class="note">Not checked; counted and listed by place (first ${report.unreadable.at.length}).</p><table><tbody>${Object.entries(
          report.unreadable.reasons,
        )
          .map(([k, n]) => `<tr><td>${escapeHtml(k)}</td><td class="n">${n}</td></tr>`)
          .join('')}</tbody></table><p class="note">${report.unreadable.at.map(escapeHtml).join(', ')}</p></section>`
      : '';
  return `<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Probity audit: ${escapeHtml(report.council.name)}</title>
<style>${STYLE}</style>
</head>
<body>
<header><h1>Protocol audit — ${escapeHtml(report.council.name)}</h1>
<p>${escapeHtml(report.input.label)} (${escapeHtml(report.input.kind)}) · checked against ${escapeHtml(protocolLabel(report.council.protocol))} · generated ${escapeHtml(report.generatedAt)}${report.complete ? '' : ' · <span class="warn">stopped part way: resume with --resume</span>'}</p></header>
<main>
<section class="wide"><div class="totals">
<div><b>${t.messages}</b>messages checked</div><div><b>${t.messagesWithFindings}</b>with findings</div><div><b>${t.findings}</b>findings</div>
<div><b>${report.bySeverity.error ?? 0}</b>errors</div><div><b>${report.bySeverity.warning ?? 0}</b>warnings</div><div><b>${t.unreadable}</b>unreadable</div></div>
<p class="note">${escapeHtml(report.people.note)} ${report.excerpts ? 'Message excerpts are included (--excerpts).' : 'No message text is included.'}</p></section>
<section class="wide"><h2>Findings per rule, by month</h2><div class="chart"><canvas id="chart-rules-months" role="img" aria-label="Findings per rule by month"></canvas></div></section>
<section><h2>Findings by sender → recipient role</h2><div class="chart"><canvas id="chart-role-pairs" role="img" aria-label="Findings by role pair"></canvas></div><p class="note">A message to people of two roles counts once for each.</p></section>
<section><h2>Top clauses cited</h2><div class="chart"><canvas id="chart-clauses" role="img" aria-label="Top clauses cited"></canvas></div></section>
<section><h2>By severity</h2><div class="chart"><canvas id="chart-severity" role="img" aria-label="Findings by severity"></canvas></div></section>
${countsTable('By rule', report.byRule, ['rule', 'findings'])}
${countsTable('By sender role', report.bySenderRole, ['role', 'findings'])}
${countsTable('By channel', report.byChannel, ['channel', 'findings'])}
<section><h2>Clauses</h2><table><thead><tr><th>clause</th><th>rule</th><th class="n">findings</th></tr></thead><tbody>${clauseRows || '<tr><td colspan="3">none</td></tr>'}</tbody></table></section>
<section><h2>Senders with most findings</h2><table><thead><tr><th>${report.people.mode === 'names' ? 'name' : 'pseudonym'}</th><th>role</th><th class="n">messages</th><th class="n">findings</th></tr></thead><tbody>${senders || '<tr><td colspan="4">none</td></tr>'}</tbody></table></section>
${confidenceSections(report)}
${unreadable}
${enquiriesSection(report)}
${examples}
</main>
<script type="application/json" id="audit-data">${scriptJson(data)}</script>
<script>${chartLibrary()}</script>
<script>${FILTER_SCRIPT}</script>
<script>${CHART_SCRIPT}</script>
</body>
</html>
`;
}
