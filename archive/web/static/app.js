// The archive's page: search, results, one article, counts over time.
// Everything from the archive is inserted with textContent; the one exception is a hit's
// snippet_html, which the server escapes and marks up (<mark>) itself.
"use strict";

const PAGE_SIZE = 20;
const SVG_NS = "http://www.w3.org/2000/svg";
const FILTERS = ["q", "source", "since", "until", "lang", "order"];

const $ = (id) => document.getElementById(id);

function element(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (className) node.className = className;
  return node;
}

function svg(tag, attributes) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    node.setAttribute(name, String(value));
  }
  return node;
}

function day(iso) {
  return iso ? iso.slice(0, 10) : "undated";
}

class ApiError extends Error {}

async function getJson(path, params) {
  const query = params ? "?" + params.toString() : "";
  const response = await fetch(path + query, { headers: { Accept: "application/json" } });
  let body = null;
  try {
    body = await response.json();
  } catch (_) {
    body = null;
  }
  if (!response.ok) {
    throw new ApiError(describeError(response.status, body));
  }
  return body;
}

function describeError(status, body) {
  const detail = body && body.detail;
  if (typeof detail === "string") return detail;
  if (Array.isArray(detail) && detail.length) {
    return detail
      .map((item) => `${(item.loc || []).slice(-1)[0] || "input"}: ${item.msg}`)
      .join("; ");
  }
  return `The server answered with status ${status}.`;
}

function showError(message) {
  const box = $("error");
  box.textContent = message || "";
  box.hidden = !message;
}

// --- the search form and the address ------------------------------------------------

function formParams() {
  const params = new URLSearchParams();
  for (const name of FILTERS) {
    const value = $(name).value.trim();
    if (value && !(name === "order" && value === "relevance")) params.set(name, value);
  }
  return params;
}

function fillForm(params) {
  for (const name of FILTERS) {
    $(name).value = params.get(name) || (name === "order" ? "relevance" : "");
  }
}

function filterParams(params, names) {
  const kept = new URLSearchParams();
  for (const name of names) {
    if (params.get(name)) kept.set(name, params.get(name));
  }
  return kept;
}

let lastSearchHash = "#/";

const VIEWS = ["chart-section", "results-section", "article-section", "stories-section",
  "story-section"];

function showOnly(...ids) {
  for (const id of VIEWS) $(id).hidden = !ids.includes(id);
}

function route() {
  const hash = location.hash || "#/";
  const article = hash.match(/^#\/article\/(\d{1,19})$/);
  if (article) {
    showArticle(article[1]);
    return;
  }
  const story = hash.match(/^#\/story\/(\d{1,19})$/);
  if (story) {
    showStory(story[1]);
    return;
  }
  if (hash === "#/stories" || hash.startsWith("#/stories?")) {
    showStories(new URLSearchParams(hash.slice(hash.indexOf("?") + 1 || hash.length)));
    return;
  }
  const params = new URLSearchParams(hash.startsWith("#/search?") ? hash.slice(9) : "");
  fillForm(params);
  lastSearchHash = hash;
  showOnly("chart-section", "results-section");
  drawCounts(params);
  if (params.get("q")) {
    runSearch(params);
  } else {
    $("results-section").hidden = true;
    showError("");
  }
}

// --- results --------------------------------------------------------------------------

async function runSearch(params) {
  const page = Math.max(1, parseInt(params.get("page") || "1", 10) || 1);
  const request = filterParams(params, FILTERS);
  request.set("page", String(page));
  request.set("page_size", String(PAGE_SIZE));
  $("results-section").hidden = false;
  $("summary").textContent = "Searching…";
  $("results").replaceChildren();
  try {
    const data = await getJson("/api/search", request);
    showError("");
    renderResults(data, params, page);
  } catch (error) {
    $("results-section").hidden = true;
    showError(error instanceof ApiError ? error.message : "The archive could not be reached.");
  }
}

function renderResults(data, params, page) {
  const first = (page - 1) * PAGE_SIZE + 1;
  const last = first + data.hits.length - 1;
  $("summary").textContent = data.total === 0
    ? "No article matches."
    : `${first}–${last} of ${data.total} article${data.total === 1 ? "" : "s"}`;
  $("results").replaceChildren(...data.hits.map(resultItem));

  const exportParams = filterParams(params, ["q", "source", "since", "until", "lang"]);
  for (const format of ["csv", "jsonl"]) {
    exportParams.set("format", format);
    $(`export-${format}`).href = "/api/export?" + exportParams.toString();
  }

  const pages = Math.max(1, Math.ceil(data.total / PAGE_SIZE));
  $("pager").hidden = pages <= 1;
  $("page-label").textContent = `page ${page} of ${pages}`;
  $("prev").disabled = page <= 1;
  $("next").disabled = page >= pages;
  $("prev").onclick = () => goToPage(params, page - 1);
  $("next").onclick = () => goToPage(params, page + 1);
}

function resultItem(hit) {
  const item = element("li", null, "hit");
  const title = element("a", hit.title || hit.url, "hit-title");
  title.href = `#/article/${encodeURIComponent(hit.id)}`;
  const heading = element("h3");
  heading.append(title);

  const meta = element("p", null, "hit-meta muted");
  meta.append(
    element("span", hit.source_name || hit.source, "hit-source"),
    element("span", day(hit.published), "hit-date"),
  );
  if (hit.language) meta.append(element("span", hit.language, "hit-lang"));

  const snippet = element("p", null, "snippet");
  // escaped by the server; only <mark> elements are markup
  snippet.innerHTML = hit.snippet_html;
  item.append(heading, meta, snippet);
  return item;
}

function goToPage(params, page) {
  const next = filterParams(params, FILTERS);
  if (page > 1) next.set("page", String(page));
  location.hash = "#/search?" + next.toString();
}

// --- one article ----------------------------------------------------------------------

async function showArticle(id) {
  showOnly("article-section");
  $("back").href = lastSearchHash;
  $("article-title").textContent = "Loading…";
  $("article-meta").replaceChildren();
  $("article-text").replaceChildren();
  $("versions").replaceChildren();
  try {
    renderArticle(await getJson(`/api/articles/${encodeURIComponent(id)}`));
    showError("");
  } catch (error) {
    $("article-title").textContent = "";
    showError(error instanceof ApiError ? error.message : "The archive could not be reached.");
  }
}

function metaRow(list, label, value, href) {
  if (value === null || value === undefined || value === "" ||
      (Array.isArray(value) && value.length === 0)) return;
  const shown = Array.isArray(value) ? value.join(", ") : String(value);
  const description = element("dd");
  if (href) {
    const link = element("a", shown);
    link.href = href;
    link.rel = "noopener noreferrer";
    description.append(link);
  } else {
    description.textContent = shown;
  }
  list.append(element("dt", label), description);
}

function safeHref(url) {
  return /^https?:\/\//i.test(url || "") ? url : null;
}

function paragraphs(text) {
  return (text || "").split(/\n\s*\n/).filter((p) => p.trim()).map((p) => element("p", p.trim()));
}

function renderArticle(article) {
  $("article-title").textContent = article.title || article.url;
  document.title = `${article.title || article.url} — viral-archive`;
  const meta = $("article-meta");
  metaRow(meta, "URL", article.url, safeHref(article.url));
  metaRow(meta, "Source", article.source_name ? `${article.source_name} (${article.source})`
    : article.source);
  metaRow(meta, "Authors", article.authors);
  metaRow(meta, "Published", article.published &&
    `${article.published}${article.date_source ? ` (from ${article.date_source})` : ""}`);
  metaRow(meta, "Modified", article.modified);
  metaRow(meta, "Language", article.language);
  metaRow(meta, "Description", article.description);
  metaRow(meta, "Tags", article.tags);
  metaRow(meta, "First seen", article.first_seen);
  metaRow(meta, "Last seen", article.last_seen);
  metaRow(meta, "Extractor", article.extractor_version);
  if (article.story_id && article.story_articles > 1) {
    metaRow(meta, "Story", `${article.story_articles} copies across sources`,
      `#/story/${encodeURIComponent(article.story_id)}`);
  }
  $("article-text").replaceChildren(...paragraphs(article.text));

  const versions = article.versions || [];
  $("versions").replaceChildren(...versions.map(versionItem));
  $("no-versions").hidden = versions.length > 0;
}

function versionItem(version) {
  const item = element("li", null, "version");
  const details = element("details");
  const summary = element("summary",
    `Version ${version.number}, fetched ${version.fetched_at}: ${version.title || "(no title)"}`);
  details.append(summary, ...paragraphs(version.text));
  item.append(details);
  return item;
}

// --- stories ------------------------------------------------------------------------

function duration(seconds) {
  const sign = seconds < 0 ? "−" : "+";
  let rest = Math.abs(seconds);
  const days = Math.floor(rest / 86400);
  rest -= days * 86400;
  const hours = Math.floor(rest / 3600);
  const minutes = Math.floor((rest - hours * 3600) / 60);
  if (days) return `${sign}${days} d ${hours} h`;
  if (hours) return `${sign}${hours} h ${minutes} min`;
  return `${sign}${minutes} min`;
}

async function showStories(params) {
  showOnly("stories-section");
  document.title = "Stories — viral-archive";
  const minSources = params.get("min_sources") || "2";
  $("min-sources").value = minSources;
  $("stories-summary").textContent = "Loading…";
  $("stories").replaceChildren();
  try {
    const data = await getJson("/api/stories",
      new URLSearchParams({ min_sources: minSources, limit: "50" }));
    showError("");
    $("stories-summary").textContent = data.stories.length === 0
      ? `No story has ${minSources} sources or more.`
      : `${data.stories.length} stor${data.stories.length === 1 ? "y" : "ies"} shown`;
    $("stories").replaceChildren(...data.stories.map(storyItem));
  } catch (error) {
    $("stories-summary").textContent = "";
    showError(error instanceof ApiError ? error.message : "The archive could not be reached.");
  }
}

function storyItem(story) {
  const item = element("li", null, "hit story");
  const title = element("a", story.title || `story ${story.id}`, "hit-title");
  title.href = `#/story/${encodeURIComponent(story.id)}`;
  const heading = element("h3");
  heading.append(title);
  const meta = element("p", null, "hit-meta muted");
  meta.append(
    element("span", `${story.sources} source${story.sources === 1 ? "" : "s"}`),
    element("span", `${story.articles} article${story.articles === 1 ? "" : "s"}`),
    element("span", `first ${day(story.first_seen)} (${story.first_seen_kind})`),
    element("span", `spread in ${duration(story.spread_seconds).slice(1)}`),
  );
  item.append(heading, meta);
  return item;
}

async function showStory(id) {
  showOnly("story-section");
  $("story-title").textContent = "Loading…";
  $("story-summary").textContent = "";
  $("story-timeline").replaceChildren();
  $("story-members").tBodies[0].replaceChildren();
  $("story-headlines").replaceChildren();
  try {
    renderStory(await getJson(`/api/stories/${encodeURIComponent(id)}`));
    showError("");
  } catch (error) {
    $("story-title").textContent = "";
    showError(error instanceof ApiError ? error.message : "The archive could not be reached.");
  }
}

function renderStory(story) {
  $("story-title").textContent = story.title || `story ${story.id}`;
  document.title = `${story.title || "Story"} — viral-archive`;
  $("story-summary").textContent =
    `${story.articles} article${story.articles === 1 ? "" : "s"} from ${story.sources} ` +
    `source${story.sources === 1 ? "" : "s"}; first ${story.first_seen} ` +
    `(${story.first_seen_kind}), the last source ${duration(story.spread_seconds)} later`;
  $("story-timeline").replaceChildren(timeline(story));
  $("story-members").tBodies[0].replaceChildren(...story.members.map((member) => {
    const row = element("tr");
    const headline = element("td");
    const link = element("a", member.title || member.url);
    link.href = `#/article/${encodeURIComponent(member.id)}`;
    headline.append(link);
    row.append(element("td", member.appeared), element("td", duration(member.after_seconds)),
      element("td", member.source_name ? `${member.source_name} (${member.source})`
        : member.source), headline);
    return row;
  }));
  $("story-headlines").replaceChildren(...story.headlines.map((headline) =>
    element("li", `${headline.title || "(no title)"} — ${headline.articles} ` +
      `cop${headline.articles === 1 ? "y" : "ies"}, first by ${headline.first_source}`)));
}

// One row per source, a dot per copy at the time it appeared after the first.
function timeline(story) {
  const sources = [...new Set(story.members.map((m) => m.source))];
  const width = 760;
  const row = 22;
  const margin = { top: 10, right: 16, bottom: 26, left: 170 };
  const height = margin.top + margin.bottom + row * sources.length;
  const times = story.members.map((m) => m.after_seconds);
  const low = Math.min(0, ...times);
  const span = Math.max(1, Math.max(...times) - low);
  const x = (seconds) => margin.left + ((seconds - low) / span) * (width - margin.left - margin.right);
  const chart = svg("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", class: "timeline" });
  const title = svg("title");
  title.textContent = `${story.members.length} copies over ${duration(span).slice(1)}`;
  chart.append(title);
  sources.forEach((source, index) => {
    const y = margin.top + row * index + row / 2;
    chart.append(svg("line", { x1: margin.left, y1: y, x2: width - margin.right, y2: y }));
    const label = svg("text", { x: margin.left - 8, y: y + 4, "text-anchor": "end" });
    label.textContent = source;
    chart.append(label);
  });
  story.members.forEach((member, index) => {
    const dot = svg("circle", {
      cx: x(member.after_seconds), r: 5, class: index === 0 ? "dot first" : "dot",
      cy: margin.top + row * sources.indexOf(member.source) + row / 2,
    });
    const tip = svg("title");
    tip.textContent = `${member.source}, ${member.appeared}: ${member.title || member.url}`;
    dot.append(tip);
    chart.append(dot);
  });
  const end = svg("text", { x: width - margin.right, y: height - 8, "text-anchor": "end" });
  end.textContent = duration(span);
  const start = svg("text", { x: margin.left, y: height - 8 });
  start.textContent = day(story.first_seen);
  chart.append(start, end);
  return chart;
}

// --- counts over time -----------------------------------------------------------------

let countsRequest = 0;
let countsShown = null;

async function drawCounts(params) {
  const request = filterParams(params, ["q", "source", "since", "until", "lang"]);
  const by = $("by").value;
  request.set("by", by);
  if (request.toString() === countsShown) return; // e.g. only the results page changed
  countsShown = request.toString();
  const ticket = ++countsRequest;
  const chart = $("chart");
  try {
    const data = await getJson("/api/count", request);
    if (ticket !== countsRequest) return;
    chart.replaceChildren(barChart(data.rows, params.get("q"), by));
  } catch (error) {
    if (ticket !== countsRequest) return;
    countsShown = null;
    chart.replaceChildren(element("p", error instanceof ApiError ? error.message
      : "The counts could not be loaded.", "muted"));
  }
}

const MAX_BARS = 400;

// Every period from the first to the last, empty ones included, so that the chart's
// x axis is time; periods are the first days of days, weeks (Mondays) or months.
function allPeriods(periods, by) {
  const first = new Date(periods[0] + "T00:00:00Z");
  const last = new Date(periods[periods.length - 1] + "T00:00:00Z");
  if (isNaN(first) || isNaN(last)) return periods;
  const filled = [];
  for (let d = first; d <= last && filled.length <= MAX_BARS;) {
    filled.push(d.toISOString().slice(0, 10));
    d = new Date(d);
    if (by === "month") d.setUTCMonth(d.getUTCMonth() + 1);
    else d.setUTCDate(d.getUTCDate() + (by === "week" ? 7 : 1));
  }
  return filled.length > MAX_BARS ? periods : filled;
}

function periodLabel(period, by) {
  if (by === "month") return period.slice(0, 7);
  return by === "week" ? `week of ${period}` : period;
}

function barChart(rows, query, by) {
  const totals = new Map();
  for (const row of rows) {
    totals.set(row.period, (totals.get(row.period) || 0) + row.count);
  }
  if (totals.size === 0) {
    return element("p", "No dated articles to count.", "muted");
  }
  const periods = allPeriods([...totals.keys()].sort(), by);
  const width = 760;
  const height = 220;
  const margin = { top: 12, right: 12, bottom: 34, left: 44 };
  const plotWidth = width - margin.left - margin.right;
  const plotHeight = height - margin.top - margin.bottom;
  const highest = Math.max(...totals.values());
  const countOf = (period) => totals.get(period) || 0;
  const slot = plotWidth / periods.length;
  const barWidth = Math.max(1, Math.min(40, slot * 0.8));

  const total = [...totals.values()].reduce((a, b) => a + b, 0);
  const label = `${total} dated article${total === 1 ? "" : "s"}` +
    `${query ? ` matching “${query}”` : ""}, by ${by}`;
  const chart = svg("svg", {
    viewBox: `0 0 ${width} ${height}`, role: "img", class: "bar-chart",
  });
  const title = svg("title");
  title.textContent = label;
  chart.append(title);

  const axis = svg("g", { class: "axis" });
  axis.append(
    svg("line", { x1: margin.left, y1: margin.top + plotHeight,
                  x2: width - margin.right, y2: margin.top + plotHeight }),
  );
  for (const [value, y] of [[highest, margin.top], [0, margin.top + plotHeight]]) {
    const tick = svg("text", { x: margin.left - 6, y: y + 4, "text-anchor": "end" });
    tick.textContent = String(value);
    axis.append(tick);
  }
  chart.append(axis);

  const labelEvery = Math.max(1, Math.ceil(periods.length / 8));
  periods.forEach((period, index) => {
    const count = countOf(period);
    if (count > 0) {
      const barHeight = Math.max(1, (count / highest) * plotHeight);
      const bar = svg("rect", {
        x: margin.left + index * slot + (slot - barWidth) / 2,
        y: margin.top + plotHeight - barHeight, width: barWidth, height: barHeight,
        class: "bar",
      });
      const tip = svg("title");
      tip.textContent = `${periodLabel(period, by)}: ${count}`;
      bar.append(tip);
      chart.append(bar);
    }
    if (index % labelEvery === 0) {
      const text = svg("text", {
        x: margin.left + index * slot + slot / 2, y: height - margin.bottom + 16,
        "text-anchor": "middle", class: "period",
      });
      text.textContent = by === "month" ? period.slice(0, 7) : period;
      chart.append(text);
    }
  });
  const figure = element("figure");
  figure.append(chart, element("figcaption", label, "muted"));
  return figure;
}

// --- start ----------------------------------------------------------------------------

function addOptions(select, values) {
  for (const [value, text] of values) {
    const option = element("option", text);
    option.value = value;
    select.append(option);
  }
}

async function loadStats() {
  try {
    const stats = await getJson("/api/stats");
    $("stats").textContent = `${stats.articles} articles from ${stats.sources} ` +
      `source${stats.sources === 1 ? "" : "s"}`;
    addOptions($("source"), stats.by_source.map((s) => [s.domain, s.name
      ? `${s.name} (${s.domain})` : s.domain]));
    addOptions($("lang"), stats.by_language.filter((l) => l.language)
      .map((l) => [l.language, `${l.language} (${l.articles})`]));
  } catch (_) {
    $("stats").textContent = "";
  }
}

document.addEventListener("DOMContentLoaded", async () => {
  $("search-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const params = formParams();
    location.hash = params.get("q") || [...params.keys()].length
      ? "#/search?" + params.toString() : "#/";
    if (location.hash === lastSearchHash) route();
  });
  $("min-sources").addEventListener("change", () => {
    location.hash = `#/stories?min_sources=${encodeURIComponent($("min-sources").value)}`;
  });
  $("by").addEventListener("change", () => {
    drawCounts(new URLSearchParams(lastSearchHash.startsWith("#/search?")
      ? lastSearchHash.slice(9) : ""));
  });
  window.addEventListener("hashchange", route);
  await loadStats();
  // re-apply filters from the address now that the select boxes have their options
  route();
});
