// neutrino's dashboard: a static app over the same public API the CLI uses, with the user's
// token (docs/behaviour/dashboard.md).  No build step, no framework, nothing fetched from
// elsewhere: ES modules served as they are.  Each page module registers its routes
// (Horizon's paths, rendered in the browser under /dashboard/); this one starts it.
import { render } from "./core.js";
import "./login.js";
import "./networks.js";
import "./subnets.js";
import "./ports.js";
import "./topology.js";
import "./agents.js";
import "./security_groups.js";
import "./routers.js";
import "./floating_ips.js";
import "./quotas.js";
import "./rbac.js";

render();
