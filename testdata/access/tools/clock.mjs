// Preloaded into OpenClaw processes by regen.sh
// (NODE_OPTIONS="--import file://…/clock.mjs?offset=-86400000") to backdate
// what they write: every `Date` in the process runs `offset` milliseconds off
// the real clock. The clock keeps ticking, so timeouts and leases inside
// OpenClaw behave as usual; only the timestamps it records move. Nothing else
// in OpenClaw is touched.
//
// Workers and child processes inherit NODE_OPTIONS, except those OpenClaw
// starts with an environment of its own (its state-lease heartbeat worker, for
// one): a worker takes NODE_OPTIONS from that environment, so this module adds
// itself there. The offset travels in the import URL for the same reason.
import { createRequire, syncBuiltinESMExports } from "node:module";

const raw = new URL(import.meta.url).searchParams.get("offset") ?? "0";
const offset = Number(raw);
if (!Number.isSafeInteger(offset)) {
	throw new Error(`clock.mjs: offset is not an integer: ${raw}`);
}
if (offset !== 0) {
	const RealDate = Date;
	const shiftedNow = () => RealDate.now() + offset;
	// A Proxy rather than a subclass, so `Date()` called without `new` keeps
	// working (it returns the shifted time as a string, like the real one).
	globalThis.Date = new Proxy(RealDate, {
		construct(target, args, newTarget) {
			return Reflect.construct(target, args.length === 0 ? [shiftedNow()] : args, newTarget);
		},
		apply() {
			return new RealDate(shiftedNow()).toString();
		},
		get(target, prop, receiver) {
			if (prop === "now") return shiftedNow;
			return Reflect.get(target, prop, receiver);
		},
	});

	const preload = `--import ${import.meta.url}`;
	const withPreload = (env) => {
		if (!env || typeof env !== "object") return env; // undefined or SHARE_ENV: inherits ours
		const current = env.NODE_OPTIONS ?? "";
		return current.includes(import.meta.url) ? env : { ...env, NODE_OPTIONS: `${current} ${preload}`.trim() };
	};
	const require = createRequire(import.meta.url);
	const wt = require("node:worker_threads");
	const RealWorker = wt.Worker;
	wt.Worker = class extends RealWorker {
		constructor(filename, options) {
			super(filename, options && "env" in options ? { ...options, env: withPreload(options.env) } : options);
		}
	};
	const cp = require("node:child_process");
	for (const name of ["spawn", "spawnSync", "execFile", "execFileSync", "fork"]) {
		const real = cp[name];
		cp[name] = function (...args) {
			for (let i = 1; i < args.length; i++) {
				const a = args[i];
				if (a && typeof a === "object" && !Array.isArray(a) && "env" in a) {
					args[i] = { ...a, env: withPreload(a.env) };
					break;
				}
			}
			return real.apply(this, args);
		};
	}
	syncBuiltinESMExports();
}
