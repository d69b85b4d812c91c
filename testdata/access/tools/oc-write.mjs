// Write fixture rows through OpenClaw's own code, for the records no offline CLI
// command creates (a DM pairing request needs a chat message; audit and ingress
// rows need live traffic). Used by regen.sh; run with the installed OpenClaw's
// node, OPENCLAW_STATE_DIR set to the fixture and (optionally) the clock.mjs
// preload to backdate the write (see clock.mjs):
//
//   node oc-write.mjs PACKAGE_DIR OPERATION JSON
//
// PACKAGE_DIR is node_modules/openclaw of the release to write with. Every
// operation calls the function the gateway itself calls for that record (named
// below); nothing here builds a row by hand. For 2026.9 the functions live in
// content-hashed dist chunks, so they are found by their source name: the chunk
// that defines `function NAME(` and exports it under a short alias.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

const [pkgDir, op, argJson] = process.argv.slice(2);
if (!pkgDir || !op) {
	console.error("usage: oc-write.mjs PACKAGE_DIR OPERATION JSON");
	process.exit(2);
}
const arg = argJson ? JSON.parse(argJson) : {};
const version = JSON.parse(fs.readFileSync(path.join(pkgDir, "package.json"), "utf8")).version;
const dist = path.join(pkgDir, "dist");

// distExport finds the 2026.9 dist chunk defining `function name(` and returns
// that function through the chunk's export alias.
async function distExport(name) {
	const def = new RegExp(`(^|\\n)(async )?function ${name}\\(`);
	for (const file of fs.readdirSync(dist).sort()) {
		if (!file.endsWith(".mjs")) continue;
		const full = path.join(dist, file);
		const text = fs.readFileSync(full, "utf8");
		if (!text.includes(`function ${name}(`) || !def.test(text)) continue;
		const m = text.match(new RegExp(`export \\{[^}]*\\b${name} as ([\\w$]+)`)) ?? text.match(new RegExp(`export \\{[^}]*\\b(${name})\\b`));
		if (!m) continue;
		const mod = await import(pathToFileURL(full).href);
		if (typeof mod[m[1]] !== "function") throw new Error(`${file}: export ${m[1]} is not the function ${name}`);
		return mod[m[1]];
	}
	throw new Error(`OpenClaw ${version}: no dist chunk exports function ${name}`);
}

const modern = {
	// The DM gate of every channel plugin calls this when an unknown sender
	// writes in under dmPolicy "pairing" (telegram: enforceTelegramDmAccess →
	// issuePairingChallenge → upsertChannelPairingRequest).
	async "pairing-upsert"(a) {
		const { upsertChannelPairingRequest } = await import(pathToFileURL(path.join(dist, "plugin-sdk", "conversation-runtime.js")).href);
		return await upsertChannelPairingRequest({ channel: a.channel, id: a.id, accountId: a.accountId, meta: a.meta });
	},
	// The gateway's audit writer (createAuditEventWriter → recordAuditEventInDatabase)
	// with the input its projections build (audit-recorder: projectAgentEvent,
	// projectToolExecutionEventToAudit, recordMessage).
	// a.rawToolCallId, when given, becomes input.toolCallId the way the
	// recorder stores it (audit-recorder auditToolCallId: "sha256:" + hex of
	// the raw id; the raw id is never stored).
	async audit(a) {
		const recordAuditEventInDatabase = await distExport("recordAuditEventInDatabase");
		const input = { ...a.input };
		if (a.rawToolCallId) input.toolCallId = `sha256:${crypto.createHash("sha256").update(a.rawToolCallId).digest("hex")}`;
		return recordAuditEventInDatabase(input, { env: process.env });
	},
	// The durable channel ingress queue a channel monitor appends to
	// (createChannelIngressMonitor → admitOnce → queue.enqueue), then the
	// drain's claimNext and complete or fail, or nothing (still pending). The
	// queue's own `now` option (OpenClaw's clock hook for the queue) is set to
	// the event's times: a.at = {enqueue, claim, done} in epoch ms.
	async ingress(a) {
		const createChannelIngressQueue = await distExport("createChannelIngressQueue");
		let clock = a.at?.enqueue ?? Date.now();
		const queue = createChannelIngressQueue({ channelId: a.channel, accountId: a.accountId, stateDir: process.env.OPENCLAW_STATE_DIR, now: () => clock });
		const admitted = await queue.enqueue(a.eventId, a.payload, { receivedAt: a.payload.receivedAt, laneKey: a.laneKey });
		if (a.then === "pending") return admitted;
		clock = a.at?.claim ?? clock;
		const claimed = await queue.claimNext({ candidateIds: [a.eventId], ownerId: a.ownerId });
		if (!claimed) throw new Error(`ingress ${a.eventId}: nothing to claim`);
		if (a.then === "claim") return claimed;
		clock = a.at?.done ?? clock;
		if (a.then === "complete") return await queue.complete(claimed, a.completeMetadata === undefined ? undefined : { metadata: a.completeMetadata });
		if (a.then === "fail") return await queue.fail(claimed, { reason: a.failReason, message: a.failMessage });
		throw new Error(`ingress: unknown then ${a.then}`);
	},
	// What the exec tool persists when an operator answers an exec approval
	// with "allow always" (bash-tools → persistAllowAlwaysDecision).
	async "exec-allow-always"(a) {
		const persistAllowAlwaysDecision = await distExport("persistAllowAlwaysDecision");
		const approvals = {};
		persistAllowAlwaysDecision({ approvals, agentId: a.agentId, decision: a.decision });
		return approvals.agents?.[a.agentId]?.allowlist; // not the socket token
	},
};

const guide = {
	// 2026.2.1: telegram/bot-message-context.js → pairing/pairing-store.js.
	async "pairing-upsert"(a) {
		const store = await import(pathToFileURL(path.join(dist, "pairing", "pairing-store.js")).href);
		return await store.upsertChannelPairingRequest({ channel: a.channel, id: a.id, meta: a.meta });
	},
	// 2026.2.1: "allow always" on an exec approval → infra/exec-approvals.js
	// addAllowlistEntry (the file lives at $HOME/.openclaw/exec-approvals.json).
	async "exec-allow-always"(a) {
		const ea = await import(pathToFileURL(path.join(dist, "infra", "exec-approvals.js")).href);
		const approvals = ea.ensureExecApprovals();
		ea.addAllowlistEntry(approvals, a.agentId, a.pattern);
		return ea.loadExecApprovals().agents?.[a.agentId]?.allowlist; // not the socket token
	},
};

const ops = version.startsWith("2026.2.") ? guide : modern;
// batch runs [{op, arg}, …] in order in this one process (each record carries
// its own times, so one clock serves them all).
ops.batch = async (list) => {
	const results = [];
	for (const step of list) {
		if (!ops[step.op] || step.op === "batch") throw new Error(`batch: unknown operation ${step.op}`);
		results.push(await ops[step.op](step.arg));
	}
	return results;
};
const fn = ops[op];
if (!fn) {
	console.error(`oc-write: OpenClaw ${version} has no operation ${op} here (have: ${Object.keys(ops).join(", ")})`);
	process.exit(2);
}
const result = await fn(arg);
process.stdout.write(`${JSON.stringify(result ?? null)}\n`);
// OpenClaw keeps worker threads and SQLite handles open; the write is
// committed when the call returns.
process.exit(0);
