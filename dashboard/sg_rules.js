// Security group rules as the dashboard reads and writes them (docs/behaviour/dashboard.md
// §16.3): Horizon's rule templates, how a rule is shown, and the rule an "Add Rule" form
// asks for.  Pure functions: tests/gui/sg_rules.test.mjs runs them in node.
import { ipVersion } from "./validate.js";

// Horizon's rule templates: the three "All …" of its defaults, then the well-known
// services of its sample settings; offered after the custom kinds, sorted by key.
const TEMPLATES = {
  all_icmp: { name: "All ICMP", protocol: "icmp", min: -1, max: -1 },
  all_tcp: { name: "All TCP", protocol: "tcp", min: 1, max: 65535 },
  all_udp: { name: "All UDP", protocol: "udp", min: 1, max: 65535 },
  dns: { name: "DNS", protocol: "tcp", min: 53, max: 53 },
  http: { name: "HTTP", protocol: "tcp", min: 80, max: 80 },
  https: { name: "HTTPS", protocol: "tcp", min: 443, max: 443 },
  imap: { name: "IMAP", protocol: "tcp", min: 143, max: 143 },
  imaps: { name: "IMAPS", protocol: "tcp", min: 993, max: 993 },
  ldap: { name: "LDAP", protocol: "tcp", min: 389, max: 389 },
  ms_sql: { name: "MS SQL", protocol: "tcp", min: 1433, max: 1433 },
  mysql: { name: "MYSQL", protocol: "tcp", min: 3306, max: 3306 },
  pop3: { name: "POP3", protocol: "tcp", min: 110, max: 110 },
  pop3s: { name: "POP3S", protocol: "tcp", min: 995, max: 995 },
  rdp: { name: "RDP", protocol: "tcp", min: 3389, max: 3389 },
  smtp: { name: "SMTP", protocol: "tcp", min: 25, max: 25 },
  smtps: { name: "SMTPS", protocol: "tcp", min: 465, max: 465 },
  ssh: { name: "SSH", protocol: "tcp", min: 22, max: 22 },
};
const CUSTOM = [["tcp", "Custom TCP Rule"], ["udp", "Custom UDP Rule"],
  ["icmp", "Custom ICMP Rule"], ["custom", "Other Protocol"]];
const RULE_CHOICES = [...CUSTOM, ...Object.entries(TEMPLATES).map(([k, t]) => [k, t.name])];

// --- showing rules --------------------------------------------------------------------
const hasPorts = (r) => r.port_range_min !== null && r.port_range_min !== undefined;

// A port with the service it is known for, as Horizon writes it: "22 (SSH)".
function portLabel(port, protocol) {
  const t = Object.values(TEMPLATES).find((x) => x.min === port && x.max === port &&
    x.protocol === protocol);
  return t ? port + " (" + t.name + ")" : String(port);
}

function portRange(r) {
  if (!hasPorts(r)) return "Any";
  if (r.port_range_min === r.port_range_max) return portLabel(r.port_range_min, r.protocol);
  return portLabel(r.port_range_min, r.protocol) + " - " + portLabel(r.port_range_max, r.protocol);
}

// A rule with neither a prefix nor a group admits every address of its family; a rule
// with a remote group has no prefix (null).
function remotePrefix(r) {
  if (r.remote_group_id) return null;
  return r.remote_ip_prefix || (r.ethertype === "IPv6" ? "::/0" : "0.0.0.0/0");
}

// A group's name from those at hand, else its id.
function groupName(id, groups) {
  const g = groups.find((x) => x.id === id);
  return g ? g.name || g.id : id;
}

// One line per rule, the way Horizon names a rule in its messages and on the port page:
// "ALLOW IPv4 22/tcp from 0.0.0.0/0", "ALLOW IPv6 to ::/0", "ALLOW IPv4 ip_proto=47 from web".
function ruleText(r, groups) {
  const remote = r.remote_group_id ? groupName(r.remote_group_id, groups) : remotePrefix(r);
  let what = "";
  if (hasPorts(r)) {
    what = (r.port_range_min === r.port_range_max ? String(r.port_range_min)
      : r.port_range_min + "-" + r.port_range_max) + "/" + String(r.protocol).toLowerCase();
  } else if (r.protocol) {
    what = /^\d+$/.test(r.protocol) ? "ip_proto=" + r.protocol : r.protocol;
  }
  return ["ALLOW", r.ethertype, what, r.direction === "egress" ? "to" : "from", remote]
    .filter(Boolean).join(" ");
}

// --- the Add Rule form ----------------------------------------------------------------
const PORT_HELP = "Enter an integer value between 1 and 65535.";
const PROTOCOL_HELP = "Enter an integer value between -1 and 255 (-1 means wild card).";

// A number typed in a field: null when empty, NaN when not an integer.
function integer(text) {
  const t = (text || "").trim();
  if (!t) return null;
  return /^-?\d+$/.test(t) ? Number(t) : NaN;
}
const inRange = (n, lo, hi) => Number.isInteger(n) && n >= lo && n <= hi;

// A CIDR as Horizon's field takes it: an address, with or without a prefix length.
function cidrError(text) {
  if (!text) return "CIDR must be specified.";
  const [addr, len, extra] = text.split("/");
  const v = ipVersion(addr);
  if (!v || extra !== undefined || (len !== undefined &&
      !(/^\d{1,3}$/.test(len) && Number(len) <= (v === 4 ? 32 : 128)))) {
    return "Incorrect format for IP address: " + text;
  }
  return null;
}

// The ports of a TCP or UDP rule from "Open Port" and its fields.
function tcpUdpPorts(v, rule, bad) {
  if (v.openPort === "all") {
    rule.port_range_min = rule.port_range_max = null;
  } else if (v.openPort === "range") {
    const a = integer(v.from), b = integer(v.to);
    if (!inRange(a, 1, 65535)) bad("from", a === null ? "The \"from\" port number is invalid." : PORT_HELP);
    if (!inRange(b, 1, 65535)) bad("to", b === null ? "The \"to\" port number is invalid." : PORT_HELP);
    else if (inRange(a, 1, 65535) && b < a) {
      bad("to", "The \"to\" port number must be greater than or equal to the \"from\" port number.");
    }
    rule.port_range_min = a;
    rule.port_range_max = b;
  } else {
    const p = integer(v.port);
    if (!inRange(p, 1, 65535)) bad("port", p === null ? "The specified port is invalid." : PORT_HELP);
    rule.port_range_min = rule.port_range_max = p;
  }
}

// An ICMP rule's type and code travel as its port range; -1 or nothing means any.
function icmpPorts(v, rule, bad) {
  const t = integer(v.icmpType), c = integer(v.icmpCode);
  if (t !== null && !inRange(t, -1, 255)) bad("icmpType", "The ICMP type not in range (-1, 255)");
  if (c !== null && !inRange(c, -1, 255)) bad("icmpCode", "The ICMP code not in range (-1, 255)");
  if ((t === null || t === -1) && c !== null && c !== -1) {
    bad("icmpCode", "ICMP code is provided but ICMP type is missing.");
  }
  rule.port_range_min = t === null || t < 0 ? null : t;
  rule.port_range_max = c === null || c < 0 ? null : c;
}

// The rule an Add Rule form describes, with Horizon's checks.  v holds the fields' texts:
// rule, direction, protocol, openPort, port, from, to, icmpType, icmpCode, remote, cidr,
// group, ethertype, description.  Returns { rule, errors } — errors by field, and the
// rule only when there are none.
function ruleFromForm(v, groupId) {
  const errors = {};
  const bad = (key, msg) => { if (!errors[key]) errors[key] = msg; };
  const rule = { security_group_id: groupId, direction: v.direction || "ingress" };
  if (v.rule === "tcp" || v.rule === "udp") {
    rule.protocol = v.rule;
    tcpUdpPorts(v, rule, bad);
  } else if (v.rule === "icmp") {
    rule.protocol = "icmp";
    icmpPorts(v, rule, bad);
  } else if (v.rule === "custom") {
    const p = integer(v.protocol);
    if (!inRange(p, -1, 255)) bad("protocol", PROTOCOL_HELP);
    rule.protocol = p === null || p < 0 ? null : String(p);
  } else if (TEMPLATES[v.rule]) {
    const t = TEMPLATES[v.rule];
    rule.protocol = t.protocol;
    rule.port_range_min = t.min < 0 ? null : t.min;
    rule.port_range_max = t.max < 0 ? null : t.max;
    if (!v.rule.startsWith("all_")) rule.direction = "ingress";
  } else {
    bad("rule", "Select a valid choice.");
  }
  if (v.remote === "sg") {
    if (!v.group) bad("group", "This field is required.");
    rule.remote_group_id = v.group;
    rule.ethertype = v.ethertype === "IPv6" ? "IPv6" : "IPv4";
  } else {
    const cidr = (v.cidr || "").trim();
    const err = cidrError(cidr);
    if (err) bad("cidr", err);
    rule.remote_ip_prefix = cidr;
    rule.ethertype = ipVersion(cidr.split("/")[0]) === 6 ? "IPv6" : "IPv4";
  }
  // One "ICMP" entry serves both families: IPv6 calls it ipv6-icmp.  A number is taken
  // as meant, but the other family's ICMP number is pointed out.
  if (rule.ethertype === "IPv6" && rule.protocol === "icmp") rule.protocol = "ipv6-icmp";
  if (rule.ethertype === "IPv6" && rule.protocol === "1") {
    bad("protocol", "58 (ipv6-icmp) should be specified for IPv6 instead of 1.");
  }
  if (rule.ethertype === "IPv4" && rule.protocol === "58") {
    bad("protocol", "1 (icmp) should be specified for IPv4 instead of 58.");
  }
  if (v.description) rule.description = v.description;
  return Object.keys(errors).length ? { rule: null, errors } : { rule, errors };
}

export { TEMPLATES, CUSTOM, RULE_CHOICES, PORT_HELP, PROTOCOL_HELP, portLabel, portRange,
  remotePrefix, groupName, ruleText, cidrError, ruleFromForm };
