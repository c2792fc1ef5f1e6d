/* IP protocols by the names Neutron's API accepts in a security group rule (neutron_lib's
 * IP_PROTOCOL_MAP): the one table that the server's validation and rule comparison and
 * the agent's firewall all read, so a name cannot mean one number in one program and
 * another (or nothing) in the other. */
#ifndef NEUTRINO_IP_PROTOCOL_H
#define NEUTRINO_IP_PROTOCOL_H

/* The number of the protocol called 'name' (exactly: lower case, as the API stores it),
 * or -1 when 'name' is no known name (a number in text is not a name). */
int ip_protocol_number(const char *name);

/* The known name equal to 'name' ignoring case (the table's own string, lower case), or
 * NULL: how the API accepts "TCP" and stores "tcp". */
const char *ip_protocol_canonical(const char *name);

/* The name Neutron's reverse map gives protocol 'number', or NULL when no name has it.
 * Where two names share a number, the map keeps one: 0 is "ip" (not "hopopt") and 58
 * "ipv6-icmp" (not the older "icmpv6"). */
const char *ip_protocol_name(int number);

#endif
