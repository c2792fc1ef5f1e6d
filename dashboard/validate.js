// Checks the forms make before anything is sent, with Neutron's rules
// (docs/behaviour/dashboard.md §4, §15). Pure functions: tests/gui/validate.test.mjs runs
// them in node.

const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;
function ipVersion(text) {
  const ip = parseIp(text);
  return ip ? ip.v : 0;
}
function checkCidr(text, version) {
  const m = text.match(/^([^/]+)\/(\d{1,3})$/);
  if (!m || !ipVersion(m[1])) return "Incorrect format for IP address.";
  const v = ipVersion(m[1]), len = Number(m[2]);
  if (len > (v === 4 ? 32 : 128)) return "Invalid subnet mask.";
  if (v !== version) return "The network address and the IP version do not agree.";
  if (len === (v === 4 ? 32 : 128)) return "The subnet in the Network Address is too small (/" + len + ").";
  const r = cidrRange(text);
  if (r.n !== r.first) {
    const normal = formatIp(v, r.first) + "/" + len;
    return "'" + text + "' has host bits set: did you mean " + normal + "?";
  }
  return null;
}
function ipToInt(ip) { return ip.split(".").reduce((a, b) => a * 256 + Number(b), 0); }

// An address as its version and value (a BigInt), or null.  IPv6 in all its written
// forms: "::" once at most, and an IPv4 tail ("::ffff:10.0.0.1").
function parseIp(text) {
  if (IPV4.test(text)) return { v: 4, n: BigInt(ipToInt(text)) };
  if (!/^[0-9a-fA-F:.]+$/.test(text) || !text.includes(":")) return null;
  let words = text;
  const tail = text.match(/^(.*:)(\d+\.\d+\.\d+\.\d+)$/);
  if (tail) {
    if (!IPV4.test(tail[2])) return null;
    const n = ipToInt(tail[2]);
    words = tail[1] + (n >>> 16).toString(16) + ":" + (n & 0xffff).toString(16);
  }
  const halves = words.split("::");
  if (halves.length > 2) return null;
  const split = (s) => (s ? s.split(":") : []);
  const head = split(halves[0]), rest = halves.length === 2 ? split(halves[1]) : [];
  const missing = 8 - head.length - rest.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return null;
  const all = [...head, ...Array(halves.length === 2 ? missing : 0).fill("0"), ...rest];
  if (!all.every((w) => /^[0-9a-fA-F]{1,4}$/.test(w))) return null;
  return { v: 6, n: all.reduce((a, w) => (a << 16n) | BigInt("0x" + w), 0n) };
}

function formatIp(v, n) {
  if (v === 4) return [24n, 16n, 8n, 0n].map((s) => String((n >> s) & 255n)).join(".");
  const words = [];
  for (let s = 112n; s >= 0n; s -= 16n) words.push(((n >> s) & 0xffffn).toString(16));
  // The longest run of zero words (two or more) becomes "::".
  let best = [-1, 0];
  for (let i = 0; i < 8; i++) {
    let j = i;
    while (j < 8 && words[j] === "0") j++;
    if (j - i > best[1] && j - i > 1) best = [i, j - i];
    i = Math.max(i, j);
  }
  if (best[0] < 0) return words.join(":");
  return words.slice(0, best[0]).join(":") + "::" + words.slice(best[0] + best[1]).join(":");
}

// A CIDR's first and last address; null if it is not one.
function cidrRange(cidr) {
  const m = cidr.match(/^([^/]+)\/(\d{1,3})$/);
  const ip = m && parseIp(m[1]);
  const bits = ip && (ip.v === 4 ? 32 : 128);
  if (!ip || Number(m[2]) > bits) return null;
  const hostBits = BigInt(bits - Number(m[2]));
  const first = (ip.n >> hostBits) << hostBits;
  return { v: ip.v, len: Number(m[2]), first, last: first + (1n << hostBits) - 1n, n: ip.n };
}

function inCidr(ip, cidr) {
  const a = parseIp(ip), r = cidrRange(cidr);
  return Boolean(a && r && a.v === r.v && a.n >= r.first && a.n <= r.last);
}

// What Neutron would choose when the form leaves it blank: the first address as the
// gateway, and the rest of the subnet (less IPv4's broadcast) as the pool.
function subnetDefaults(cidr, gateway) {
  const r = cidrRange(cidr);
  if (!r) return null;
  const gw = gateway === undefined ? r.first + 1n : gateway;
  let last = r.v === 4 ? r.last - 1n : r.last;
  let start = r.first + 1n;
  if (gw === start) start += 1n;
  if (gw === last) last -= 1n;
  // A gateway inside the range splits the pool in two around it: one address fewer.
  const split = gw !== null && gw > start && gw < last;
  return { gateway: gw === null ? null : formatIp(r.v, gw), start: formatIp(r.v, start),
    end: formatIp(r.v, last), size: last - start + 1n - (split ? 1n : 0n) };
}
// Add Static Route (docs/behaviour/dashboard.md §17.4), as Neutron checks a route: a CIDR
// without host bits, a next hop of its family.  The message for each field at fault.
function routeErrors(destination, nexthop) {
  const errors = {};
  const dest = destination.trim(), hop = nexthop.trim();
  const r = dest && cidrRange(dest);
  if (!dest) errors.destination = "This field is required.";
  else if (!r) errors.destination = "Incorrect format for IP address: " + dest;
  else if (r.n !== r.first) {
    errors.destination = "'" + dest + "' has host bits set: did you mean " +
      formatIp(r.v, r.first) + "/" + r.len + "?";
  }
  const ip = hop && parseIp(hop);
  if (!hop) errors.nexthop = "This field is required.";
  else if (!ip) errors.nexthop = "Incorrect format for IP address: " + hop;
  else if (r && ip.v !== r.v) errors.nexthop = "The next hop " + hop + " is not of the destination's IP version (IPv" + r.v + ").";
  return errors;
}

function lines(text) { return text.split("\n").map((l) => l.trim()).filter(Boolean); }

export { IPV4, ipVersion, checkCidr, ipToInt, lines, parseIp, formatIp, cidrRange, inCidr,
  subnetDefaults, routeErrors };
