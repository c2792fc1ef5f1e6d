// Checks the forms make before anything is sent, with Neutron's rules (gui.md §4, §15).
// Pure functions: tests/gui/validate.test.mjs runs them in node.

const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;
function ipVersion(text) {
  if (IPV4.test(text)) return 4;
  if (/^[0-9a-fA-F:]+$/.test(text) && text.includes(":")) return 6;
  return 0;
}
function checkCidr(text, version) {
  const m = text.match(/^([^/]+)\/(\d{1,3})$/);
  if (!m || !ipVersion(m[1])) return "Incorrect format for IP address.";
  const v = ipVersion(m[1]), len = Number(m[2]);
  if (len > (v === 4 ? 32 : 128)) return "Invalid subnet mask.";
  if (v !== version) return "The network address and the IP version do not agree.";
  if (len === (v === 4 ? 32 : 128)) return "The subnet in the Network Address is too small (/" + len + ").";
  return null;
}
function ipToInt(ip) { return ip.split(".").reduce((a, b) => a * 256 + Number(b), 0); }
function lines(text) { return text.split("\n").map((l) => l.trim()).filter(Boolean); }

export { IPV4, ipVersion, checkCidr, ipToInt, lines };
