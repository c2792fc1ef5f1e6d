// Project → Network → Security Groups (docs/behaviour/dashboard.md §16): the list, Create
// and Edit Security Group, the rules page ("Manage Rules") with Add Rule and its rule
// templates, and what the port pages use to show and choose a port's groups.
import { session, h, link, toast, api, route, render, navigate, notFound, quotaFull, quotaAction }
  from "./core.js";
import { table, modal, confirmDelete, rowMenu, field } from "./widgets.js";
import { CUSTOM, RULE_CHOICES, PORT_HELP, PROTOCOL_HELP, portRange, remotePrefix, groupName,
  ruleText, ruleFromForm } from "./sg_rules.js";

const LIST = "project/security_groups/";
const rulesPath = (g) => LIST + g.id + "/";

// --- the list ---------------------------------------------------------------------------
const deleteGroup = (g) => api("DELETE", "/v2.0/security-groups/" + g.id);
// A refused delete says why in the toast itself: a port uses the group, or it is the
// project's default group.
const groupNotDeleted = (g, e) => "Unable to delete Security Group: " + (g.name || g.id) +
  ". " + e.message;

function groupActions(g, done) {
  const actions = [{ label: "Manage Rules", run: () => navigate(rulesPath(g)) }];
  if (g.name !== "default") {       // Horizon neither edits nor deletes the default group
    actions.push({ label: "Edit Security Group", run: () => groupForm(g) },
      { label: "Delete Security Group", danger: true, run: () => confirmDelete("Security Group",
        "Security Groups", [g], deleteGroup, { conflict: groupNotDeleted, done }) });
  }
  return actions;
}

// The project's groups; listing them makes its default group if it has none.
async function projectGroups() {
  const q = session.projectId ? "?project_id=" + encodeURIComponent(session.projectId) : "";
  return (await api("GET", "/v2.0/security-groups" + q)).data.security_groups;
}

async function groupsPage(main) {
  let groups = [];
  try {
    groups = await projectGroups();
  } catch (e) {
    if (e.status === 401) return;
    toast("error", "Unable to retrieve security groups.", e.message);
  }
  const full = await quotaFull(session.projectId, "security_group");
  main.replaceChildren(h("h1", {}, "Security Groups"), table({ title: "Security Groups",
    id: "security_groups", rows: groups, filter: (g) => g.name,
    cols: [{ title: "Name", cell: (g) => g.name },
      { title: "Security Group ID", cell: (g) => g.id },
      { title: "Description", cell: (g) => g.description || "-" }],
    actions: [quotaAction("+ Create Security Group", full.security_group, () => groupForm(null)),
      { label: "Delete Security Groups", danger: true, run: (sel) => confirmDelete(
        "Security Group", "Security Groups", sel, deleteGroup, { conflict: groupNotDeleted }) }],
    rowActions: (g) => rowMenu(groupActions(g)) }));
}
route(LIST, groupsPage);

// Create Security Group (group null) and Edit Security Group: a name and a description.
// A new group opens on its rules, as in Horizon.
function groupForm(group) {
  const title = group ? "Edit Security Group" : "Create Security Group";
  const name = h("input", { id: "id_sg_name", maxlength: 255, value: group ? group.name : "" });
  const description = h("textarea", { id: "id_sg_description", rows: 4 });
  description.value = group ? group.description || "" : "";
  const nameField = field("Name", name, null, true);
  const formErr = h("p", { class: "form-error", role: "alert", hidden: true });
  const submit = async (close) => {
    nameField.error(null);
    if (!name.value.trim()) { nameField.error("This field is required."); return; }
    const body = { name: name.value, description: description.value };
    try {
      const { data } = group
        ? await api("PUT", "/v2.0/security-groups/" + group.id, { security_group: body })
        : await api("POST", "/v2.0/security-groups", { security_group: body });
      const sg = data.security_group;
      close();
      toast("success", "Successfully " + (group ? "updated" : "created") + " security group: " + sg.name);
      if (group) render();
      else navigate(rulesPath(sg));
    } catch (e) {
      formErr.textContent = e.message;
      formErr.hidden = false;
      toast("error", "Unable to " + (group ? "update" : "create") + " security group: " + e.message);
    }
  };
  modal(title, h("div", { class: "body" }, formErr,
    h("p", { class: "help" }, "A security group is a set of IP filter rules applied to the " +
      "ports that use it. Rules are added once the group exists; a new group lets all " +
      "outgoing traffic out and nothing in."),
    nameField, field("Description", description)),
  (close) => [h("button", { type: "button", onclick: close }, "Cancel"),
    h("button", { type: "button", class: "primary", onclick: () => submit(close) }, title)]);
}

// --- Manage Rules ---------------------------------------------------------------------------
// The group the page is about; a missing or foreign one gets Horizon's message and the
// not-found page.
async function fetchGroup(main, id) {
  try {
    return (await api("GET", "/v2.0/security-groups/" + id)).data.security_group;
  } catch (e) {
    if (e.status !== 404) throw e;
    toast("error", "Unable to retrieve security group.", e.message);
    notFound(main);
    return null;
  }
}

async function rulesPage(main, id) {
  const group = await fetchGroup(main, id);
  if (!group) return;
  let groups = [group];
  try { groups = await projectGroups(); } catch (e) { if (e.status === 401) return; }
  const rules = (group.security_group_rules || []).map((r) => ({ ...r, name: ruleText(r, groups) }));
  const deleteRule = (r) => api("DELETE", "/v2.0/security-group-rules/" + r.id);
  const full = await quotaFull(session.projectId, "security_group_rule");
  main.replaceChildren(
    h("nav", { class: "crumbs", "aria-label": "Breadcrumb" }, link(LIST, "Security Groups"),
      " › ", group.name || group.id),
    h("h1", {}, "Manage Security Group Rules: " + group.name + " (" + group.id + ")"),
    table({ title: "Security Group Rules", id: "rules", rows: rules,
      cols: [{ title: "Direction", cell: (r) => (r.direction === "egress" ? "Egress" : "Ingress") },
        { title: "Ether Type", cell: (r) => r.ethertype },
        { title: "IP Protocol", cell: (r) => (r.protocol ? String(r.protocol).toUpperCase() : "Any") },
        { title: "Port Range", cell: portRange },
        { title: "Remote IP Prefix", cell: (r) => remotePrefix(r) || "-" },
        { title: "Remote Security Group",
          cell: (r) => (r.remote_group_id ? groupName(r.remote_group_id, groups) : "-") },
        { title: "Description", cell: (r) => r.description || "-" }],
      actions: [quotaAction("+ Add Rule", full.security_group_rule, () => addRule(group, groups)),
        { label: "Delete Rules", danger: true,
          run: (sel) => confirmDelete("Rule", "Rules", sel, deleteRule) }],
      rowActions: (r) => rowMenu([{ label: "Delete Rule", danger: true,
        run: () => confirmDelete("Rule", "Rules", [r], deleteRule) }]) }));
}
route(LIST + "([^/]+)/", rulesPage);

// --- Add Rule -------------------------------------------------------------------------------
const select = (id, choices, value) => h("select", { id }, choices.map(([v, label]) =>
  h("option", { value: v, selected: v === value }, label)));

function addRule(group, groups) {
  const f = {
    rule: select("id_rule_menu", RULE_CHOICES, "tcp"),
    description: h("textarea", { id: "id_rule_description", rows: 2, maxlength: 255 }),
    direction: select("id_direction", [["ingress", "Ingress"], ["egress", "Egress"]], "ingress"),
    protocol: h("input", { id: "id_ip_protocol" }),
    openPort: select("id_port_or_range", [["port", "Port"], ["range", "Port Range"], ["all", "All ports"]], "port"),
    port: h("input", { id: "id_port" }),
    from: h("input", { id: "id_from_port" }),
    to: h("input", { id: "id_to_port" }),
    icmpType: h("input", { id: "id_icmp_type" }),
    icmpCode: h("input", { id: "id_icmp_code" }),
    remote: select("id_remote", [["cidr", "CIDR"], ["sg", "Security Group"]], "cidr"),
    cidr: h("input", { id: "id_cidr", value: "0.0.0.0/0" }),
    group: h("select", { id: "id_security_group" }, groups.length
      ? groups.map((g) => h("option", { value: g.id, selected: g.id === group.id }, g.name || g.id))
      : h("option", { value: "" }, "No security groups available")),
    ethertype: select("id_ethertype", [["IPv4", "IPv4"], ["IPv6", "IPv6"]], "IPv4"),
  };
  const w = {
    rule: field("Rule", f.rule),
    description: field("Description", f.description, "A brief description of the security group rule you are adding"),
    direction: field("Direction", f.direction),
    protocol: field("IP Protocol", f.protocol, PROTOCOL_HELP),
    openPort: field("Open Port", f.openPort),
    port: field("Port", f.port, PORT_HELP, true),
    from: field("From Port", f.from, PORT_HELP, true),
    to: field("To Port", f.to, PORT_HELP, true),
    icmpType: field("Type", f.icmpType, "Enter a value for ICMP type in the range (-1: 255)"),
    icmpCode: field("Code", f.icmpCode, "Enter a value for ICMP code in the range (-1: 255)"),
    remote: field("Remote", f.remote, "To specify an allowed IP range, select \"CIDR\". To allow " +
      "access from all members of another security group select \"Security Group\"."),
    cidr: field("CIDR", f.cidr, "Classless Inter-Domain Routing (e.g. 192.168.0.0/24, or 2001:db8::/128)", true),
    group: field("Security Group", f.group, null, true),
    ethertype: field("Ether Type", f.ethertype),
  };
  // Which fields the chosen rule and remote use, as Horizon switches them.
  const show = () => {
    const kind = f.rule.value, tcpUdp = kind === "tcp" || kind === "udp";
    w.direction.hidden = !(CUSTOM.some(([k]) => k === kind) || kind.startsWith("all_"));
    w.protocol.hidden = kind !== "custom";
    w.openPort.hidden = !tcpUdp;
    w.port.hidden = !tcpUdp || f.openPort.value !== "port";
    w.from.hidden = w.to.hidden = !tcpUdp || f.openPort.value !== "range";
    w.icmpType.hidden = w.icmpCode.hidden = kind !== "icmp";
    w.cidr.hidden = f.remote.value !== "cidr";
    w.group.hidden = w.ethertype.hidden = f.remote.value !== "sg";
  };
  for (const s of [f.rule, f.openPort, f.remote]) s.addEventListener("change", show);
  show();
  const formErr = h("p", { class: "form-error", role: "alert", hidden: true });

  // The rule to send, or null after marking what is wrong (Horizon's checks and messages).
  const build = () => {
    const values = Object.fromEntries(Object.entries(f).map(([k, input]) => [k, input.value]));
    const { rule, errors } = ruleFromForm(values, group.id);
    for (const [k, x] of Object.entries(w)) x.error(errors[k] || null);
    return rule;
  };
  const submit = async (close) => {
    const body = build();
    if (!body) return;
    try {
      const { data } = await api("POST", "/v2.0/security-group-rules", { security_group_rule: body });
      const rule = data.security_group_rule;
      close();
      toast("success", "Successfully added rule: " + ruleText(rule, groups));
      render();
    } catch (e) {
      formErr.textContent = e.message;
      formErr.hidden = false;
      toast("error", "Unable to add rule to security group: " + e.message);
    }
  };
  modal("Add Rule", h("div", { class: "body" }, formErr,
    h("p", { class: "help" }, "Rules say which traffic may reach (ingress) or leave (egress) " +
      "the ports in the group: a rule template or a custom protocol; the port or ports it " +
      "opens (for ICMP, a type and code); and where the traffic may come from — an address " +
      "block (CIDR), or the members of a security group."),
    Object.values(w)),
  (close) => [h("button", { type: "button", onclick: close }, "Cancel"),
    h("button", { type: "button", class: "primary", onclick: () => submit(close) }, "Add")]);
}

// --- for the port pages ------------------------------------------------------------------------
// The groups a port could use: its project's (an admin editing another project's port
// sees that project's).
async function groupsFor(projectId) {
  const q = "?project_id=" + encodeURIComponent(projectId);
  return (await api("GET", "/v2.0/security-groups" + q)).data.security_groups;
}

// Edit Port's "Security Groups" step: every group on the left, the port's on the right,
// each moved across with its button.  Returns the pane and a reader of the chosen ids.
function groupChooser(all, chosenIds) {
  const chosen = new Set(chosenIds);
  const available = h("ul", { class: "plain members", "aria-label": "All Security Groups" });
  const members = h("ul", { class: "plain members", "aria-label": "Port Security Groups" });
  const draw = () => {
    const toggle = (g, on) => { if (on) chosen.delete(g.id); else chosen.add(g.id); draw(); };
    const item = (g, on) => h("li", {}, h("span", {}, g.name || g.id), " ",
      h("button", { type: "button", class: "link", onclick: () => toggle(g, on),
        "aria-label": (on ? "Remove " : "Add ") + (g.name || g.id) }, on ? "−" : "+"));
    const off = all.filter((g) => !chosen.has(g.id)), on = all.filter((g) => chosen.has(g.id));
    available.replaceChildren(...(off.length ? off.map((g) => item(g, false))
      : [h("li", { class: "empty" }, "No security groups found.")]));
    members.replaceChildren(...(on.length ? on.map((g) => item(g, true))
      : [h("li", { class: "empty" }, "No security groups enabled.")]));
  };
  draw();
  const pane = h("div", { class: "membership" },
    h("p", { class: "help" }, "Add or remove security groups to this port from the list of available security groups."),
    h("div", { class: "columns" },
      h("section", {}, h("h3", {}, "All Security Groups"), available),
      h("section", {}, h("h3", {}, "Port Security Groups"), members)));
  return { pane, chosen: () => [...chosen] };
}

// Groups by id, in one list call (a repeated filter ORs its values); the ones the
// caller may not read are left out.
async function groupsById(ids) {
  if (!ids.length) return [];
  const q = ids.map((id) => "id=" + encodeURIComponent(id)).join("&");
  return (await api("GET", "/v2.0/security-groups?" + q)).data.security_groups;
}

// The port page's "Security Groups" section: each group with its rules, remote groups by
// name (two list calls at most, whatever the number of groups).
async function portGroupsSection(port) {
  const ids = port.security_groups || [];
  const found = await groupsById(ids);
  const groups = ids.map((id) => found.find((g) => g.id === id) ||
    { id, name: "", security_group_rules: [] });
  const remote = [...new Set(groups.flatMap((g) => (g.security_group_rules || [])
    .map((r) => r.remote_group_id).filter((id) => id && !ids.includes(id))))];
  const named = groups.concat(await groupsById(remote));
  return h("section", { "aria-label": "Security Groups" }, h("h2", {}, "Security Groups"),
    groups.length ? h("dl", { class: "overview port-groups" }, groups.map((g) => [
      h("dt", {}, link(rulesPath(g), g.name || g.id)),
      h("dd", {}, h("ul", { class: "plain" }, (g.security_group_rules || []).map((r) =>
        h("li", {}, ruleText(r, named)))))]))
      : h("p", { class: "empty" }, "No security group is associated"));
}

export { groupsFor, groupChooser, portGroupsSection };
