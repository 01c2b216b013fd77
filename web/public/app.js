// The support page's chat: mounts rasa-webchat (served from this server, see launch/web.py) inside the page,
// sends the browser's language and time zone as the messages' metadata, starts new conversations on request,
// and keeps the links in the bot's messages safe.
"use strict";

(function () {
  // rasa-webchat keeps the session id and the conversation under this key (params.storage "local").
  var SESSION_KEY = "chat_session";

  function browserContext() {
    var timezone = null;
    try {
      timezone = Intl.DateTimeFormat().resolvedOptions().timeZone || null;
    } catch (error) {
      timezone = null;
    }
    return { language: navigator.language || null, timezone: timezone };
  }

  // Only changes what differs: the observer below sees every change, and an unchanged write would loop.
  function setAttribute(element, name, value) {
    if (element.getAttribute(name) !== value) {
      element.setAttribute(name, value);
    }
  }

  // Phone numbers dial in place; web links open in a new tab without access to this page; any other kind of
  // link (javascript:, data:, ...) loses its href. The widget renders markdown links with target=_blank and
  // without filtering the scheme; the Content-Security-Policy blocks javascript: too, this makes it visible.
  function secureLink(link) {
    var url;
    try {
      url = new URL(link.getAttribute("href"), window.location.href);
    } catch (error) {
      link.removeAttribute("href");
      return;
    }
    if (url.protocol === "tel:" || url.protocol === "mailto:") {
      link.removeAttribute("target");
    } else if (url.protocol === "https:" || url.protocol === "http:") {
      setAttribute(link, "target", "_blank");
      setAttribute(link, "rel", "noopener noreferrer");
    } else {
      link.removeAttribute("href");
      link.removeAttribute("target");
    }
  }

  // The widget's quick replies are clickable divs: make them buttons for the keyboard and screen readers too.
  function makeReplyButton(reply) {
    if (reply.getAttribute("role") === "button") {
      return;
    }
    reply.setAttribute("role", "button");
    reply.setAttribute("tabindex", "0");
    reply.addEventListener("keydown", function (event) {
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        reply.click();
      }
    });
  }

  function tidy(root) {
    root.querySelectorAll("a[href]").forEach(secureLink);
    root.querySelectorAll(".rw-reply").forEach(makeReplyButton);
  }

  function startNewConversation() {
    window.localStorage.removeItem(SESSION_KEY);
    window.sessionStorage.removeItem(SESSION_KEY);
    // A fresh page connects a fresh socket, asks the server for a new session and sends the greeting.
    window.location.reload();
  }

  function mount() {
    var element = document.getElementById("webchat");
    var server = document.querySelector('meta[name="chat-server"]').getAttribute("content");
    if (!window.WebChat || !server) {
      element.textContent = "The chat could not be loaded. Please reload the page.";
      return;
    }
    new MutationObserver(function () {
      tidy(element);
    }).observe(element, { childList: true, subtree: true, attributes: true, attributeFilter: ["href", "target"] });

    window.WebChat.default(
      {
        socketUrl: server,
        socketPath: "/socket.io/",
        customData: browserContext(),
        initPayload: "/greet",
        title: "ChargePoint support",
        inputTextFieldHint: "Type your message…",
        connectingText: "Connecting to support…",
        embedded: true,
        withRules: false,
        showMessageDate: false,
        params: { storage: "local" },
        // The widget waits up to 3 s per message to imitate typing; a support answer should just appear.
        customMessageDelay: function () {
          return 150;
        },
      },
      element
    );
  }

  document.getElementById("new-conversation").addEventListener("click", startNewConversation);
  mount();
})();
