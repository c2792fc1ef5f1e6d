// Security group rules as the dashboard shows and builds them (dashboard/sg_rules.js,
// docs/behaviour/dashboard.md §16.3), run in node: no browser needed.
import { test } from "node:test";
import assert from "node:assert/strict";
import { RULE_CHOICES, portRange, remotePrefix, ruleText, cidrError, ruleFromForm }
  from "../../dashboard/sg_rules.js";

const rule = (over) => ({ direction: "ingress", ethertype: "IPv4", protocol: null,
  port_range_min: null, port_range_max: null, remote_ip_prefix: null, remote_group_id: null, ...over });
const form = (over) => ({ rule: "tcp", direction: "ingress", openPort: "port", port: "22", remote: "cidr",
  cidr: "0.0.0.0/0", ethertype: "IPv4", ...over });

test("the Rule menu: the custom kinds, then Horizon's templates by key", () => {
  assert.deepEqual(RULE_CHOICES.map(([, label]) => label), ["Custom TCP Rule", "Custom UDP Rule",
    "Custom ICMP Rule", "Other Protocol", "All ICMP", "All TCP", "All UDP", "DNS", "HTTP", "HTTPS",
    "IMAP", "IMAPS", "LDAP", "MS SQL", "MYSQL", "POP3", "POP3S", "RDP", "SMTP", "SMTPS", "SSH"]);
});

test("rules as the table and the messages show them", () => {
  const groups = [{ id: "g1", name: "web" }];
  const ssh = rule({ protocol: "tcp", port_range_min: 22, port_range_max: 22, remote_ip_prefix: "0.0.0.0/0" });
  assert.equal(portRange(ssh), "22 (SSH)");
  assert.equal(ruleText(ssh, groups), "ALLOW IPv4 22/tcp from 0.0.0.0/0");
  // A template's port under another protocol is just a number.
  assert.equal(portRange(rule({ protocol: "udp", port_range_min: 22, port_range_max: 22 })), "22");
  const range = rule({ protocol: "tcp", port_range_min: 8000, port_range_max: 8080, remote_group_id: "g1" });
  assert.equal(portRange(range), "8000 - 8080");
  assert.equal(remotePrefix(range), null);
  assert.equal(ruleText(range, groups), "ALLOW IPv4 8000-8080/tcp from web");
  assert.equal(ruleText(rule({ remote_group_id: "g2" }), groups), "ALLOW IPv4 from g2");
  const out6 = rule({ direction: "egress", ethertype: "IPv6" });
  assert.equal(portRange(out6), "Any");
  assert.equal(remotePrefix(out6), "::/0");
  assert.equal(ruleText(out6, groups), "ALLOW IPv6 to ::/0");
  assert.equal(ruleText(rule({ protocol: "47" }), groups), "ALLOW IPv4 ip_proto=47 from 0.0.0.0/0");
  assert.equal(ruleText(rule({ protocol: "icmp", remote_ip_prefix: "10.0.0.0/8" }), groups),
    "ALLOW IPv4 icmp from 10.0.0.0/8");
  assert.equal(ruleText(rule({ protocol: "icmp", port_range_min: 8, port_range_max: 0 }), groups),
    "ALLOW IPv4 8-0/icmp from 0.0.0.0/0");
});

test("Add Rule: templates, ports and remotes become Neutron's attributes", () => {
  assert.deepEqual(ruleFromForm(form({ rule: "ssh", direction: "egress" }), "sg").rule, {
    security_group_id: "sg", direction: "ingress", protocol: "tcp", port_range_min: 22,
    port_range_max: 22, remote_ip_prefix: "0.0.0.0/0", ethertype: "IPv4" });
  // The "All …" templates keep the chosen direction; All ICMP has no type or code.
  const icmp = ruleFromForm(form({ rule: "all_icmp", direction: "egress", cidr: "2001:db8::/64" }), "sg").rule;
  assert.deepEqual([icmp.direction, icmp.protocol, icmp.port_range_min, icmp.port_range_max, icmp.ethertype],
    ["egress", "ipv6-icmp", null, null, "IPv6"]);
  const all = ruleFromForm(form({ rule: "udp", openPort: "all" }), "sg").rule;
  assert.deepEqual([all.protocol, all.port_range_min, all.port_range_max], ["udp", null, null]);
  const r = ruleFromForm(form({ openPort: "range", from: "8000", to: " 8080 ", remote: "sg",
    group: "other", ethertype: "IPv6", description: "app" }), "sg").rule;
  assert.deepEqual(r, { security_group_id: "sg", direction: "ingress", protocol: "tcp",
    port_range_min: 8000, port_range_max: 8080, remote_group_id: "other", ethertype: "IPv6",
    description: "app" });
  const type8 = ruleFromForm(form({ rule: "icmp", icmpType: "8", icmpCode: "" }), "sg").rule;
  assert.deepEqual([type8.port_range_min, type8.port_range_max], [8, null]);
  const any = ruleFromForm(form({ rule: "custom", protocol: "-1" }), "sg").rule;
  assert.equal(any.protocol, null);
  assert.equal(ruleFromForm(form({ rule: "custom", protocol: "47" }), "sg").rule.protocol, "47");
});

test("Add Rule: Horizon's checks, by field", () => {
  const errors = (v) => ruleFromForm(form(v), "sg").errors;
  assert.deepEqual(errors({ port: "" }), { port: "The specified port is invalid." });
  assert.deepEqual(errors({ port: "65536" }), { port: "Enter an integer value between 1 and 65535." });
  assert.deepEqual(errors({ port: "2x" }), { port: "Enter an integer value between 1 and 65535." });
  assert.deepEqual(errors({ openPort: "range", from: "", to: "" }), {
    from: "The \"from\" port number is invalid.", to: "The \"to\" port number is invalid." });
  assert.deepEqual(errors({ openPort: "range", from: "90", to: "80" }), {
    to: "The \"to\" port number must be greater than or equal to the \"from\" port number." });
  assert.deepEqual(errors({ rule: "icmp", icmpType: "", icmpCode: "3" }), {
    icmpCode: "ICMP code is provided but ICMP type is missing." });
  assert.deepEqual(errors({ rule: "icmp", icmpType: "256" }), { icmpType: "The ICMP type not in range (-1, 255)" });
  assert.deepEqual(errors({ rule: "custom", protocol: "300" }), {
    protocol: "Enter an integer value between -1 and 255 (-1 means wild card)." });
  assert.deepEqual(errors({ rule: "custom", protocol: "1", cidr: "::/0" }), {
    protocol: "58 (ipv6-icmp) should be specified for IPv6 instead of 1." });
  assert.deepEqual(errors({ rule: "custom", protocol: "58" }), {
    protocol: "1 (icmp) should be specified for IPv4 instead of 58." });
  assert.deepEqual(errors({ cidr: "" }), { cidr: "CIDR must be specified." });
  assert.deepEqual(errors({ remote: "sg", group: "" }), { group: "This field is required." });
  assert.equal(ruleFromForm(form({ cidr: "" }), "sg").rule, null);
  for (const bad of ["10.0.0.300/8", "10.0.0.0/33", "10.0.0.0/8/1", "2001:db8::/129", "x/8", "10.0.0.0/"]) {
    assert.equal(cidrError(bad), "Incorrect format for IP address: " + bad, bad);
  }
  for (const ok of ["10.0.0.0/8", "10.1.2.3", "::/0", "2001:db8::1/64"]) assert.equal(cidrError(ok), null, ok);
});
