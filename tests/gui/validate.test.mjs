// The dashboard's form checks (dashboard/validate.js), run in node: no browser needed.
import { test } from "node:test";
import assert from "node:assert/strict";
import { ipVersion, checkCidr, parseIp, formatIp, cidrRange, inCidr, subnetDefaults, lines,
  routeErrors }
  from "../../dashboard/validate.js";

test("IPv4 addresses", () => {
  for (const ok of ["0.0.0.0", "10.0.0.1", "255.255.255.255", "172.16.1.2"]) {
    assert.equal(ipVersion(ok), 4, ok);
  }
  for (const bad of ["256.0.0.1", "1.2.3", "1.2.3.4.5", "01.2.3.4x", "", "a.b.c.d", "1.2.3.-1"]) {
    assert.equal(ipVersion(bad), 0, bad);
  }
  assert.equal(parseIp("10.0.0.1").n, 167772161n);
});

test("IPv6 addresses in their written forms", () => {
  const cases = {
    "::": 0n, "::1": 1n, "1::": 1n << 112n,
    "2001:db8::1": (0x2001n << 112n) | (0xdb8n << 96n) | 1n,
    "2001:0db8:0000:0000:0000:0000:0000:0001": (0x2001n << 112n) | (0xdb8n << 96n) | 1n,
    "::ffff:10.0.0.1": (0xffffn << 32n) | 0x0a000001n,
    "fe80::1:2:3:4": (0xfe80n << 112n) | (1n << 48n) | (2n << 32n) | (3n << 16n) | 4n,
  };
  for (const [text, n] of Object.entries(cases)) {
    assert.deepEqual(parseIp(text), { v: 6, n }, text);
  }
  for (const bad of ["1::2::3", ":::", "1:2:3:4:5:6:7", "1:2:3:4:5:6:7:8:9", "12345::",
    "g::1", "::ffff:300.0.0.1", "1:2:3:4:5:6:7::8:9", ":1:2:3:4:5:6:7"]) {
    assert.equal(parseIp(bad), null, bad);
  }
  // "::" stands for one zero word or more, never for none.
  assert.equal(parseIp("1:2:3:4::5:6:7").v, 6);
  assert.equal(parseIp("1:2:3:4:5:6:7::8"), null);
});

test("addresses are written back in their short form", () => {
  assert.equal(formatIp(4, 167772161n), "10.0.0.1");
  for (const text of ["2001:db8::1", "::", "::1", "1::", "fe80::1:2:3:4", "1:0:2:0:3:0:4:0",
    "1:2::6:7:8"]) {
    assert.equal(formatIp(6, parseIp(text).n), text);
  }
  // The longest run of zeros is the one shortened.
  assert.equal(formatIp(6, parseIp("1:0:0:2:0:0:0:3").n), "1:0:0:2::3");
});

test("CIDR checks, host bits suggest the network", () => {
  assert.equal(checkCidr("172.16.1.0/24", 4), null);
  assert.equal(checkCidr("2001:db8::/64", 6), null);
  assert.equal(checkCidr("172.16.300.0/24", 4), "Incorrect format for IP address.");
  assert.equal(checkCidr("172.16.1.0", 4), "Incorrect format for IP address.");
  assert.equal(checkCidr("172.16.1.0/33", 4), "Invalid subnet mask.");
  assert.equal(checkCidr("172.16.1.0/24", 6), "The network address and the IP version do not agree.");
  assert.match(checkCidr("10.0.0.1/32", 4), /too small/);
  assert.equal(checkCidr("172.16.1.9/24", 4),
    "'172.16.1.9/24' has host bits set: did you mean 172.16.1.0/24?");
  assert.equal(checkCidr("2001:db8::5/64", 6),
    "'2001:db8::5/64' has host bits set: did you mean 2001:db8::/64?");
});

test("ranges and membership", () => {
  assert.deepEqual(cidrRange("10.0.0.0/30"), { v: 4, len: 30, first: 167772160n, last: 167772163n,
    n: 167772160n });
  assert.equal(cidrRange("10.0.0.0/40"), null);
  assert.ok(inCidr("10.0.0.3", "10.0.0.0/30"));
  assert.ok(!inCidr("10.0.0.4", "10.0.0.0/30"));
  assert.ok(!inCidr("::1", "10.0.0.0/8"));
  assert.ok(inCidr("2001:db8::ffff", "2001:db8::/64"));
  assert.ok(!inCidr("2001:db9::", "2001:db8::/64"));
  assert.ok(inCidr("1.2.3.4", "0.0.0.0/0"));
});

test("what blank fields become: the first address as gateway, the rest as pool", () => {
  assert.deepEqual(subnetDefaults("172.16.1.0/24"), { gateway: "172.16.1.1", start: "172.16.1.2",
    end: "172.16.1.254", size: 253n });
  assert.deepEqual(subnetDefaults("172.16.1.0/24", null), { gateway: null, start: "172.16.1.1",
    end: "172.16.1.254", size: 254n });
  // A gateway elsewhere: at the end it shortens the pool, inside it splits it.
  assert.deepEqual(subnetDefaults("172.16.1.0/24", parseIp("172.16.1.254").n),
    { gateway: "172.16.1.254", start: "172.16.1.1", end: "172.16.1.253", size: 253n });
  assert.equal(subnetDefaults("172.16.1.0/24", parseIp("172.16.1.100").n).size, 253n);
  // IPv6 has no broadcast address.
  assert.equal(subnetDefaults("2001:db8::/64").end, "2001:db8::ffff:ffff:ffff:ffff");
  assert.equal(subnetDefaults("nonsense"), null);
});

test("text areas: one entry a line, blanks dropped", () => {
  assert.deepEqual(lines(" a \n\n b\n  "), ["a", "b"]);
});

test("static routes: a destination CIDR and a next hop of its family", () => {
  assert.deepEqual(routeErrors("192.168.101.0/24", "10.200.0.10"), {});
  assert.deepEqual(routeErrors(" 2001:db8:1::/64 ", "2001:db8::5"), {});
  assert.deepEqual(routeErrors("", ""), { destination: "This field is required.",
    nexthop: "This field is required." });
  assert.equal(routeErrors("192.168.101.0/33", "10.0.0.1").destination,
    "Incorrect format for IP address: 192.168.101.0/33");
  assert.equal(routeErrors("192.168.101.7/24", "10.0.0.1").destination,
    "'192.168.101.7/24' has host bits set: did you mean 192.168.101.0/24?");
  assert.equal(routeErrors("10.0.0.0/8", "10.0.0.300").nexthop,
    "Incorrect format for IP address: 10.0.0.300");
  assert.equal(routeErrors("10.0.0.0/8", "2001:db8::1").nexthop,
    "The next hop 2001:db8::1 is not of the destination's IP version (IPv4).");
});
