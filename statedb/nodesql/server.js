// hardshell's node:sqlite server: one SQLite connection to a state DB,
// driven one JSON line at a time on stdin, one JSON line answered on
// stdout per request. It holds no SQL of its own: the statements come
// from hardshell's Go code (the same ones its local writer runs). When
// stdin ends (hardshell finished, or the connection dropped) an open
// transaction is rolled back, so the DB holds the old rows or the new.
"use strict";
const { DatabaseSync } = require("node:sqlite");
const fs = require("node:fs");
const readline = require("node:readline");

let db = null;

function enc(v) {
  if (v === null || v === undefined) return null;
  switch (typeof v) {
    case "bigint": return { i: v.toString() };
    case "number": return { f: String(v) };
    case "string": return { s: v };
  }
  if (v instanceof Uint8Array) return { b: Buffer.from(v).toString("base64") };
  throw new Error("unsupported value of type " + typeof v);
}

function dec(v) {
  if (v === null) return null;
  if ("i" in v) return BigInt(v.i);
  if ("f" in v) return Number(v.f);
  if ("s" in v) return v.s;
  if ("b" in v) return Buffer.from(v.b, "base64");
  throw new Error("unsupported parameter " + JSON.stringify(v));
}

function handle(m) {
  switch (m.op) {
    case "open": {
      const st = fs.lstatSync(m.path);
      if (!st.isFile()) throw new Error(m.path + " is not a regular file");
      db = new DatabaseSync(m.path);
      db.exec("PRAGMA busy_timeout = " + Number(m.busyMs));
      db.exec("PRAGMA foreign_keys = ON");
      return { node: process.version };
    }
    case "exec": {
      const st = db.prepare(m.sql);
      const r = st.run(...(m.args || []).map(dec));
      return { changes: String(r.changes), lastId: String(r.lastInsertRowid) };
    }
    case "query": {
      const st = db.prepare(m.sql);
      st.setReadBigInts(true);
      let cols, rows;
      if (typeof st.setReturnArrays === "function" && typeof st.columns === "function") {
        st.setReturnArrays(true);
        cols = st.columns().map((c) => c.name);
        rows = st.all(...(m.args || []).map(dec));
      } else {
        const objs = st.all(...(m.args || []).map(dec));
        cols = objs.length ? Object.keys(objs[0]) : [];
        rows = objs.map((o) => cols.map((c) => o[c]));
      }
      return { cols, rows: rows.map((r) => r.map(enc)) };
    }
    case "begin": db.exec("BEGIN IMMEDIATE"); return {};
    case "commit": db.exec("COMMIT"); return {};
    case "rollback": db.exec("ROLLBACK"); return {};
  }
  throw new Error("unknown request " + m.op);
}

function finish() {
  if (db) {
    try { db.exec("ROLLBACK"); } catch (e) { /* no transaction open */ }
    try { db.close(); } catch (e) { /* closing rolls back what is left */ }
  }
  process.exit(0);
}

const rl = readline.createInterface({ input: process.stdin, terminal: false });
rl.on("line", (line) => {
  let out;
  try {
    out = { ok: true, ...handle(JSON.parse(line)) };
  } catch (e) {
    out = { err: String(e && e.message || e), code: e && e.errcode !== undefined ? e.errcode : null, errstr: e && e.errstr || "" };
  }
  process.stdout.write(JSON.stringify(out) + "\n");
});
rl.on("close", finish);
process.on("SIGHUP", finish);
process.on("SIGTERM", finish);
