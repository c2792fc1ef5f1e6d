// Sign in, sign out and the project switcher.
import { session, h, $, toast, signIn, switchProject, signOut, route, navigate } from "./core.js";

// --- sign in ------------------------------------------------------------------------
route("auth/login/", (main) => {
  const user = h("input", { id: "id_username", name: "username", autocomplete: "username",
    required: true });
  const pass = h("input", { id: "id_password", name: "password", type: "password",
    autocomplete: "current-password", required: true });
  const project = h("input", { id: "id_project", name: "project", value: "demo" });
  const err = h("p", { class: "form-error", role: "alert", hidden: true });
  const form = h("form", { class: "login", onsubmit: async (ev) => {
    ev.preventDefault();
    err.hidden = true;
    try {
      await signIn(user.value.trim(), pass.value, project.value.trim());
      navigate("project/networks/");
    } catch (e) {
      err.textContent = e.status === 401 ? "Invalid credentials." : e.message;
      err.hidden = false;
    }
  } },
  h("h1", {}, "Log in"), err,
  h("label", { for: "id_username" }, "User Name"), user,
  h("label", { for: "id_password" }, "Password"), pass,
  h("label", { for: "id_project" }, "Project"), project,
  h("button", { type: "submit", class: "primary" }, "Sign In"));
  main.replaceChildren(form);
});

$("#logout") && $("#logout").addEventListener("click", () => signOut());
$("#project-select") && $("#project-select").addEventListener("change", async (ev) => {
  try {
    await switchProject(ev.target.value);
    navigate("project/networks/", "Switched to project " + session.project + ".");
  } catch (e) {
    toast("error", "Unable to switch to project " + ev.target.value + ".", e.message);
  }
});
