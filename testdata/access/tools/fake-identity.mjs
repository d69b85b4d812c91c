// Print the public test identity regen.sh puts in place of the identities a
// real run generates (2026.9: state DB table device_identities, row
// "primary"; 2026.2.1: identity/device.json), so no fixture carries a private
// key OpenClaw generated. The key pair is Ed25519
// test vector 1 of RFC 8032 (section 7.1), published and worthless; the
// device id is derived as OpenClaw derives it (device-identity:
// fingerprintPublicKey = sha256 of the raw 32-byte public key, lowercase hex).
import crypto from "node:crypto";

const seed = Buffer.from("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60", "hex");
const pkcs8 = Buffer.concat([Buffer.from("302e020100300506032b657004220420", "hex"), seed]);
const privateKey = crypto.createPrivateKey({ key: pkcs8, format: "der", type: "pkcs8" });
const publicKey = crypto.createPublicKey(privateKey);
const raw = publicKey.export({ format: "der", type: "spki" }).subarray(-32);
if (raw.toString("hex") !== "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a") {
	throw new Error("RFC 8032 test vector 1 did not produce its public key");
}
process.stdout.write(`${JSON.stringify({
	deviceId: crypto.createHash("sha256").update(raw).digest("hex"),
	publicKeyRaw: raw.toString("base64url"), // the form pairing records store
	publicKeyPem: publicKey.export({ format: "pem", type: "spki" }),
	privateKeyPem: privateKey.export({ format: "pem", type: "pkcs8" }),
})}\n`);
