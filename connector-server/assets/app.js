// connector-server pages: progressive enhancement only; every page works without it.
// Served as /assets/app.js (the CSP allows no inline script). No framework, no globals.
(function () {
  "use strict";

  // Copy buttons: hidden without JavaScript, shown here, copying the text of the element
  // named by data-copy.
  function enableCopyButtons() {
    document.querySelectorAll("button[data-copy]").forEach(function (button) {
      var target = document.getElementById(button.getAttribute("data-copy"));
      if (!target || !navigator.clipboard) {
        return;
      }
      var label = button.textContent;
      button.hidden = false;
      button.addEventListener("click", function () {
        navigator.clipboard.writeText(target.textContent).then(
          function () { flash(button, "Copied", label); },
          function () { flash(button, "Copy failed: select the text instead", label); }
        );
      });
    });
  }

  function flash(button, text, label) {
    button.textContent = text;
    window.setTimeout(function () { button.textContent = label; }, 2000);
  }

  // The role ARN, checked as it is typed. IAM role ARNs: arn:PARTITION:iam::ACCOUNT:role/
  // then an optional path and the name (1-64 of letters, digits and +=,.@_-).
  var ROLE_ARN = /^arn:aws(-[a-z]+)*:iam::\d{12}:role\/([\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/;
  var ARN_MESSAGE = "This is not a role ARN yet: it looks like arn:aws:iam::123456789012:role/NAME, with your 12-digit account id.";

  function enableArnCheck() {
    var input = document.getElementById("role_arn");
    var box = document.getElementById("role_arn-error");
    var form = document.getElementById("role-form");
    if (!input || !box || !form) {
      return;
    }
    var message = document.createElement("p");
    message.id = "role_arn-client-error";
    message.className = "client-error";
    message.hidden = true;
    box.appendChild(message);
    var touched = false;

    function check(show) {
      var value = input.value.trim();
      var ok = ROLE_ARN.test(value);
      if (ok || !show) {
        message.hidden = true;
        message.textContent = "";
        if (ok) {
          input.removeAttribute("aria-invalid");
        }
      } else {
        message.textContent = value === "" ? "Paste the role ARN." : ARN_MESSAGE;
        message.hidden = false;
        input.setAttribute("aria-invalid", "true");
      }
      return ok;
    }

    input.addEventListener("input", function () {
      touched = true;
      check(true);
    });
    input.addEventListener("blur", function () {
      if (touched) {
        check(true);
      }
    });
    form.addEventListener("submit", function (event) {
      if (!check(true)) {
        event.preventDefault();
        input.focus();
      }
    });
  }

  // The live state: while the connection may change by itself (pending, verifying), ask
  // the page's state endpoint and update the page in place.
  function enableLiveState() {
    var section = document.getElementById("status");
    if (!section || !window.fetch) {
      return;
    }
    var url = section.getAttribute("data-state-url");
    var stateEl = document.getElementById("state");
    var explanation = document.getElementById("state-explanation");
    var diagnosis = document.getElementById("diagnosis");
    var timer = null;

    function render(live) {
      section.setAttribute("data-state", live.state);
      stateEl.textContent = live.state;
      stateEl.className = "state state-" + live.state;
      explanation.textContent = live.explanation;
      diagnosis.textContent = "";
      if (live.diagnosis) {
        var what = document.createElement("p");
        var code = document.createElement("strong");
        code.textContent = live.diagnosis.code;
        what.appendChild(code);
        what.appendChild(document.createTextNode(": " + live.diagnosis.message));
        var todo = document.createElement("p");
        todo.className = "remediation";
        todo.textContent = "What to do: " + live.diagnosis.remediation;
        diagnosis.appendChild(what);
        diagnosis.appendChild(todo);
      }
      if (live.poll_seconds === null || live.poll_seconds === undefined) {
        // Settled (active, disconnected, removed): nothing to refresh, no role to paste.
        var refresh = document.getElementById("refresh");
        if (refresh) {
          refresh.parentNode.hidden = true;
        }
        var form = document.getElementById("role-form");
        var connected = document.getElementById("role-connected");
        if (form && connected && live.state === "active") {
          form.hidden = true;
          connected.hidden = false;
        }
      }
    }

    function poll() {
      fetch(url, { headers: { accept: "application/json" }, cache: "no-store", credentials: "same-origin" })
        .then(function (response) {
          if (response.status === 404) {
            // The link expired: stop asking, say so.
            explanation.textContent = "This link has expired: ask your vendor for a new one.";
            return null;
          }
          if (!response.ok) {
            throw new Error("status " + response.status);
          }
          return response.json();
        })
        .then(function (live) {
          if (!live) {
            return;
          }
          render(live);
          if (live.poll_seconds) {
            timer = window.setTimeout(poll, live.poll_seconds * 1000);
          }
        })
        .catch(function () {
          // No answer is no news: try again later, keep what is shown.
          timer = window.setTimeout(poll, 10000);
        });
    }

    var initial = section.getAttribute("data-state");
    if (initial === "pending" || initial === "verifying") {
      timer = window.setTimeout(poll, 3000);
    }
    return timer;
  }

  function start() {
    enableCopyButtons();
    enableArnCheck();
    enableLiveState();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
