// The live view's page: draws what the server pushes on /events (server-sent events; EventSource reconnects by
// itself when the server restarts, and the server then sends its whole state again).
"use strict";

const PALETTE = ["#ff3838", "#ff9d97", "#ff701f", "#ffb21d", "#cfd231", "#48f90a", "#92cc17", "#3ddb86",
  "#00d4bb", "#6473ff"];
const captions = new Map();
const cameras = new Map();
const captionsEl = document.getElementById("captions");
const camerasEl = document.getElementById("cameras");
const eventsEl = document.getElementById("events");
const streamsEl = document.querySelector("#streams tbody");
const connectionEl = document.getElementById("connection");
const EVENTS_SHOWN = 100;

function colour(labelId) {
  return PALETTE[labelId % PALETTE.length];
}

function element(tag, className, text) {
  const el = document.createElement(tag);
  if (className) el.className = className;
  if (text !== undefined) el.textContent = text;
  return el;
}

function clock(seconds) {
  const m = Math.floor(seconds / 60);
  const s = (seconds - m * 60).toFixed(1).padStart(4, "0");
  return `${m}:${s}`;
}

function caption(stream) {
  let entry = captions.get(stream);
  if (!entry) {
    const box = element("div", "stream caption");
    box.dataset.stream = stream;
    box.append(element("h3", "", stream));
    const finals = element("div", "finals");
    const partial = element("p", "partial");
    box.append(finals, partial);
    captionsEl.append(box);
    entry = { finals, partial, paragraph: null, lastEnd: 0 };
    captions.set(stream, entry);
  }
  return entry;
}

// Finals flow as text; a pause of PARAGRAPH_PAUSE seconds or more starts a paragraph, led by its time.
const PARAGRAPH_PAUSE = 1.5;

function addFinal(entry, record) {
  const atBottom = entry.finals.scrollHeight - entry.finals.scrollTop - entry.finals.clientHeight < 8;
  if (!entry.paragraph || record.start - entry.lastEnd >= PARAGRAPH_PAUSE) {
    entry.paragraph = element("p", "final");
    entry.paragraph.append(element("span", "time", clock(record.start)));
    entry.finals.append(entry.paragraph);
  }
  const text = element("span", "text", record.text.trim());
  text.title = `${clock(record.start)}–${clock(record.end)}`;
  entry.paragraph.append(text, document.createTextNode(" "));
  entry.lastEnd = record.end;
  if (atBottom) entry.finals.scrollTop = entry.finals.scrollHeight;
}

function transcript(record) {
  const entry = caption(record.stream);
  if (record.type === "segment") {
    addFinal(entry, record);
  } else if (record.type === "partial") {
    entry.partial.textContent = record.text.trim();
  } else if (record.type === "end") {
    entry.partial.textContent = "";
  }
}

function camera(stream) {
  let entry = cameras.get(stream);
  if (!entry) {
    const box = element("div", "stream camera");
    box.dataset.stream = stream;
    const canvas = element("canvas");
    canvas.width = 640;
    canvas.height = 360;
    const meta = element("div", "camera-meta");
    box.append(element("h3", "", stream), canvas, meta);
    camerasEl.append(box);
    entry = { canvas, meta, wanted: null, drawn: null };
    cameras.set(stream, entry);
  }
  return entry;
}

// Only the newest record of a camera is drawn: one that arrives while an older frame loads takes its place.
function detections(record) {
  const entry = camera(record.stream);
  entry.wanted = record;
  const image = new Image();
  image.onload = () => {
    if (entry.wanted === record) draw(entry, record, image);
  };
  image.src = record.image;
}

function draw(entry, record, image) {
  const { canvas } = entry;
  if (canvas.width !== record.width || canvas.height !== record.height) {
    canvas.width = record.width;
    canvas.height = record.height;
  }
  const ctx = canvas.getContext("2d");
  ctx.drawImage(image, 0, 0, record.width, record.height);
  const line = Math.max(2, Math.round(record.width / 320));
  ctx.lineWidth = line;
  ctx.font = `${Math.max(12, Math.round(record.width / 50))}px system-ui, sans-serif`;
  ctx.textBaseline = "bottom";
  let listed = 0;
  for (const d of record.detections) {
    const text = `${d.track_id != null ? "#" + d.track_id + " " : ""}${d.label} ${d.score.toFixed(2)}`;
    ctx.strokeStyle = ctx.fillStyle = colour(d.label_id);
    if (!d.box) {
      ctx.fillText(text, 8, 24 + 20 * listed++);
      continue;
    }
    const [x1, y1, x2, y2] = d.box;
    ctx.strokeRect(x1, y1, x2 - x1, y2 - y1);
    const width = ctx.measureText(text).width + 6;
    const top = Math.max(y1, 18);
    ctx.fillRect(x1 - line / 2, top - 18, width, 18);
    ctx.fillStyle = "#000";
    ctx.fillText(text, x1 + 3, top - 2);
  }
  entry.drawn = record;
  entry.meta.textContent = `frame ${record.frame} · ${record.detections.length} ${record.task === "object-detection" ? "objects" : "labels"} · ${record.model}`;
}

function trackEvent(record) {
  const when = new Date(record.captured_at_ms).toLocaleTimeString();
  const what = record.zone ? `${record.type} ${record.zone}` : record.type;
  const item = element("li", "", `${when} ${record.stream} #${record.track_id} ${record.label}: ${what}`);
  eventsEl.prepend(item);
  while (eventsEl.children.length > EVENTS_SHOWN) eventsEl.lastChild.remove();
}

function streams(list) {
  streamsEl.replaceChildren(...list.map((s) => {
    const row = element("tr");
    row.dataset.stream = s.id;
    const state = s.state === "lagging" ? `lagging ${s.lag_seconds} s` : s.state;
    row.append(element("td", "", s.id), element("td", `state-${s.state}`, state),
      element("td", s.dead_letters ? "dead" : "", String(s.dead_letters)));
    return row;
  }));
}

function snapshot(all) {
  captions.clear();
  cameras.clear();
  captionsEl.replaceChildren();
  camerasEl.replaceChildren();
  eventsEl.replaceChildren();
  streams(all.streams);
  for (const [stream, state] of Object.entries(all.captions)) {
    const entry = caption(stream);
    state.finals.forEach((record) => addFinal(entry, record));
    if (state.partial) transcript(state.partial);
  }
  Object.values(all.cameras).forEach(detections);
  all.events.forEach(trackEvent);
}

function deadLetter(letter) {
  const item = element("li", "dead", `dead letter${letter.stream ? " of " + letter.stream : ""} at ${letter.stage}: ${letter.error}`);
  eventsEl.prepend(item);
}

const source = new EventSource("events");
const handlers = { snapshot, transcript, detections, event: trackEvent, streams, "dead-letter": deadLetter };
for (const [name, handle] of Object.entries(handlers)) {
  source.addEventListener(name, (e) => handle(JSON.parse(e.data)));
}
source.onopen = () => {
  connectionEl.textContent = "live";
  connectionEl.classList.add("live");
};
source.onerror = () => {
  connectionEl.textContent = "reconnecting…";
  connectionEl.classList.remove("live");
};

// For tests and for whoever wants to match a box's colour to its label.
window.sensoriumView = { colour, cameras, captions };
