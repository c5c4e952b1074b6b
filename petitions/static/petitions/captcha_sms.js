/* The check code by text message (portal/captcha_sms.py) on the citizens' forms: the
   "code by text message" button asks for the code without leaving the page and says the
   answer in the live region beside it. Without this script the button submits the form,
   which comes back as typed with the same message. */
(function () {
  "use strict";
  var button = document.querySelector("[data-sms-send]");
  if (!button || !window.fetch || !window.FormData) { return; }
  var form = button.form;
  var status = form.querySelector("[data-sms-status]");
  var hint = form.querySelector("[data-sms-hint]");
  var renew = form.querySelector("[data-captcha-renew]");

  // A code is bound to the picture's token: a new picture would void it.
  function keepPicture() { if (renew) { renew.hidden = true; renew.disabled = true; } }
  if (renew && renew.hasAttribute("data-sms-pending")) { keepPicture(); }

  function say(text, sent) {
    status.textContent = "";
    status.setAttribute("role", sent ? "status" : "alert");
    status.className = sent ? "" : "petition-alert";
    status.textContent = text;
  }

  button.addEventListener("click", function (event) {
    event.preventDefault();
    var phone = form.querySelector("[name=" + button.getAttribute("data-phone-field") + "]");
    var data = new FormData();
    data.append("csrfmiddlewaretoken", form.querySelector("[name=csrfmiddlewaretoken]").value);
    data.append("captcha_token", form.querySelector("[name=captcha_token]").value);
    data.append("phone", phone ? phone.value : "");
    button.disabled = true;
    fetch(button.getAttribute("data-sms-url"), {
      method: "POST", body: data, credentials: "same-origin",
      headers: { "Accept": "application/json" }
    }).then(function (response) {
      return response.json();
    }).then(function (answer) {
      say(answer.message, answer.sent);
      if (answer.sent) {
        keepPicture();
        if (hint) { hint.textContent = hint.getAttribute("data-sms-hint"); }
      }
    }).catch(function () {
      if (form.requestSubmit) { form.requestSubmit(button); }  // the page's own way
    }).then(function () {
      window.setTimeout(function () { button.disabled = false; }, 1000);
    });
  });
})();
