// The page side of a jobfloor browser terminal. Loaded before textual.js (xterm.js and Textual's glue, which
// draw the terminal), it gives that glue a connection that survives drops, and makes the page a kiosk:
// - the terminal has the keyboard from the first key, and keeps it; keys typed before the terminal is up (a badge
//   scanned while the page loads) are passed on in order, not lost;
// - the mouse never reaches the app, so a click cannot move typing into another field;
// - a dropped connection is taken up again by itself (the session waits on the server), keys typed meanwhile
//   are kept; a session that ended says so, and Enter starts a new one.
(() => {
  "use strict";

  const NativeWebSocket = window.WebSocket;
  const RETRY_MS = [250, 500, 1000, 2000, 3000];
  const SAY_LOST_AFTER_MS = 1500; // a blip shorter than this is not worth a word on the screen
  const MAX_PENDING = 4096; // characters kept while the connection is down

  const state = {
    mode: "starting", // starting | live | lost | ended | taken
    facade: null, // the socket textual.js holds
    native: null, // the real one
    connected: false,
    opened: false,
    pending: "", // keys waiting for a connection, in the order typed
    size: null, // the terminal's size in cells, as textual.js last said
    retries: 0,
    lostTimer: null,
  };

  // --- tests and the bench: what the server sent, with times (only with #trace on the address) --------------
  const trace = location.hash.includes("trace") ? { chunks: [], times: [] } : null;
  const watchers = new Set();

  function tabId() {
    // Kept by the tab across reloads (sessionStorage), so a reload finds its own session again.
    let id = sessionStorage.getItem("jobfloor.tab");
    if (!id) {
      const bytes = new Uint8Array(16);
      crypto.getRandomValues(bytes);
      id = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
      sessionStorage.setItem("jobfloor.tab", id);
    }
    return id;
  }

  function socketUrl(fresh) {
    const url = new URL("/ws", location.href);
    url.protocol = location.protocol === "https:" ? "wss:" : "ws:";
    const size = state.size || { width: 80, height: 24 };
    url.searchParams.set("width", size.width);
    url.searchParams.set("height", size.height);
    url.searchParams.set("tab", tabId());
    const link = document.body && document.body.dataset.link;
    if (link) url.searchParams.set("station", link);
    if (fresh) url.searchParams.set("fresh", "1");
    return url.toString();
  }

  // --- the connection ----------------------------------------------------------------------------------------
  function sendKeys(text) {
    if (!text) return;
    if (state.connected && state.mode === "live") {
      state.native.send(JSON.stringify(["stdin", text]));
    } else if (state.mode !== "ended" && state.mode !== "taken") {
      state.pending = (state.pending + text).slice(-MAX_PENDING);
    }
  }

  function connect(fresh) {
    const ws = new NativeWebSocket(socketUrl(fresh));
    ws.binaryType = "arraybuffer";
    state.native = ws;
    ws.addEventListener("open", () => {
      if (state.native !== ws) return;
      state.connected = true;
      state.retries = 0;
      state.mode = "live";
      if (!state.opened) {
        state.opened = true;
        state.facade.emit("open", {}); // textual.js fits the terminal to the window and says its size
      }
      if (state.pending) {
        ws.send(JSON.stringify(["stdin", state.pending]));
        state.pending = "";
      }
    });
    ws.addEventListener("message", (event) => {
      if (state.native !== ws) return;
      if (typeof event.data === "string") {
        let message = null;
        try {
          message = JSON.parse(event.data);
        } catch (e) {
          return;
        }
        if (message[0] === "jobfloor") {
          fromServer(message[1]);
          return;
        }
      } else {
        if (trace) {
          const chunk = new Uint8Array(event.data);
          const at = performance.now();
          trace.chunks.push(chunk);
          trace.times.push(at);
          for (const watcher of watchers) watcher(chunk, at);
        }
        if (state.mode === "live") hideNotice();
      }
      state.facade.emit("message", event);
    });
    ws.addEventListener("close", () => {
      if (state.native !== ws) return;
      state.connected = false;
      if (state.mode === "ended" || state.mode === "taken") return;
      lost();
    });
  }

  function lost() {
    state.mode = "lost";
    if (state.lostTimer === null) {
      state.lostTimer = setTimeout(() => {
        if (state.mode === "lost") {
          say("The connection to jobfloor was lost", "Connecting again by itself. Your work is kept: keep this " +
              "page open.");
        }
      }, SAY_LOST_AFTER_MS);
    }
    const wait = RETRY_MS[Math.min(state.retries, RETRY_MS.length - 1)];
    state.retries += 1;
    setTimeout(() => connect(false), wait);
  }

  function fromServer(message) {
    if (message.type === "ended") {
      state.mode = "ended";
      state.pending = "";
      const why = message.reason ? `(${message.reason}.) ` : "";
      say("This terminal has stopped", `${why}Press Enter to start it again.`);
    } else if (message.type === "taken") {
      state.mode = "taken";
      state.pending = "";
      say("This terminal is now open in another window", "Press Enter to use it here.");
    } else if (message.type === "revoked") {
      state.mode = "ended";
      location.reload(); // the server's page says the link is no longer valid, and what to do
    }
  }

  function again() {
    // Enter on "stopped" starts a new session; on "taken", takes this one back.
    const fresh = state.mode === "ended";
    state.mode = "starting";
    say("", "Starting\u2026");
    connect(fresh);
  }

  // What textual.js gets instead of a WebSocket: always there, never closing; it only ever sees the terminal's
  // bytes, and what it sends goes out when it can.
  class SessionSocket {
    constructor(url) {
      const asked = new URL(url, location.href);
      const width = parseInt(asked.searchParams.get("width"), 10);
      const height = parseInt(asked.searchParams.get("height"), 10);
      if (width > 0 && height > 0) state.size = { width, height };
      this.binaryType = "arraybuffer";
      this.listeners = {};
      state.facade = this;
      connect(false);
    }

    get readyState() {
      return 1;
    }

    addEventListener(type, listener) {
      (this.listeners[type] = this.listeners[type] || []).push(listener);
    }

    removeEventListener() {}

    emit(type, event) {
      for (const listener of this.listeners[type] || []) listener(event);
    }

    send(data) {
      let message;
      try {
        message = JSON.parse(data);
      } catch (e) {
        return;
      }
      const kind = message[0];
      if (kind === "stdin") {
        sendKeys(message[1]);
        return;
      }
      if (kind === "focus" || kind === "blur") return; // the terminal always has the keyboard
      if (kind === "resize") state.size = message[1];
      if (state.connected && state.mode === "live") state.native.send(data);
    }

    close() {}
  }

  window.WebSocket = SessionSocket; // this page's only socket is textual.js's terminal

  // --- the page's own words --------------------------------------------------------------------------------------
  function say(title, text) {
    const notice = document.getElementById("notice");
    if (!notice) return;
    document.getElementById("notice-title").textContent = title;
    document.getElementById("notice-text").textContent = text;
    notice.hidden = false;
  }

  function hideNotice() {
    if (state.lostTimer !== null) {
      clearTimeout(state.lostTimer);
      state.lostTimer = null;
    }
    const notice = document.getElementById("notice");
    if (notice && !notice.hidden) notice.hidden = true;
  }

  // --- the keyboard ---------------------------------------------------------------------------------------------
  function terminalInput() {
    return document.querySelector(".xterm-helper-textarea");
  }

  function focusTerminal() {
    const input = terminalInput();
    if (input && document.activeElement !== input) input.focus({ preventScroll: true });
  }

  const FUNCTION_KEYS = {
    Enter: "\r", Tab: "\t", Backspace: "\x7f", Escape: "\x1b", Delete: "\x1b[3~",
    ArrowUp: "\x1b[A", ArrowDown: "\x1b[B", ArrowRight: "\x1b[C", ArrowLeft: "\x1b[D", Home: "\x1b[H", End: "\x1b[F",
    PageUp: "\x1b[5~", PageDown: "\x1b[6~",
    F1: "\x1bOP", F2: "\x1bOQ", F3: "\x1bOR", F4: "\x1bOS", F5: "\x1b[15~", F6: "\x1b[17~", F7: "\x1b[18~",
    F8: "\x1b[19~", F9: "\x1b[20~", F10: "\x1b[21~", F11: "\x1b[23~", F12: "\x1b[24~",
  };

  // What a terminal sends for a key, for keys that arrive before the terminal has the keyboard.
  function keyText(event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return null;
    if (event.key.length === 1) return event.key;
    return FUNCTION_KEYS[event.key] || null;
  }

  window.addEventListener("keydown", (event) => {
    if (state.mode === "ended" || state.mode === "taken") {
      event.preventDefault();
      event.stopImmediatePropagation();
      if (event.key === "Enter" && !event.repeat) again();
      return;
    }
    const input = terminalInput();
    if (input && document.activeElement === input) return; // the terminal has it
    const text = keyText(event);
    if (text !== null) {
      event.preventDefault();
      event.stopImmediatePropagation();
      sendKeys(text);
    }
    focusTerminal();
  }, true);

  // Focus goes back to the terminal whatever took it (a click, the window coming back, an alert).
  document.addEventListener("focusout", () => setTimeout(focusTerminal, 0), true);
  window.addEventListener("focus", focusTerminal);
  const waitForTerminal = setInterval(() => {
    if (terminalInput()) {
      clearInterval(waitForTerminal);
      focusTerminal();
    }
  }, 20);

  // --- the mouse: never to the app ---------------------------------------------------------------------------------
  const MOUSE = ["mousedown", "mouseup", "click", "dblclick", "auxclick", "contextmenu", "pointerdown", "pointerup",
    "mousemove", "pointermove", "touchstart", "touchmove", "touchend", "dragstart", "selectstart"];
  for (const type of MOUSE) {
    window.addEventListener(type, (event) => {
      event.stopImmediatePropagation();
      if (event.cancelable && type !== "mousemove" && type !== "pointermove") event.preventDefault();
      if (type === "mouseup" || type === "touchend") focusTerminal();
    }, { capture: true, passive: false });
  }

  // --- for tests and the bench ------------------------------------------------------------------------------
  window.jobfloor = {
    mode: () => state.mode,
    size: () => state.size,
    // Output since the last call: each piece as the server sent it (base64) and when it arrived (performance.now()).
    takeOutput() {
      if (!trace) return null;
      const chunks = trace.chunks.splice(0).map((chunk) => {
        let binary = "";
        for (let i = 0; i < chunk.length; i += 0x8000) {
          binary += String.fromCharCode.apply(null, chunk.subarray(i, i + 0x8000));
        }
        return btoa(binary);
      });
      return { chunks, times: trace.times.splice(0) };
    },
    // Type `text` as a key would; resolve with the milliseconds until output showing `expect` arrived, and until
    // the frame after it was painted.
    probe(text, expect, timeoutMs = 3000) {
      return new Promise((resolve) => {
        const start = performance.now();
        const decoder = new TextDecoder();
        let seen = "";
        const watcher = (chunk, at) => {
          seen += decoder.decode(chunk, { stream: true });
          if (!seen.includes(expect)) return;
          done();
          requestAnimationFrame(() => requestAnimationFrame(() => {
            resolve({ arrived: at - start, painted: performance.now() - start });
          }));
        };
        const timer = setTimeout(() => {
          done();
          resolve({ timeout: true });
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          watchers.delete(watcher);
        };
        watchers.add(watcher);
        sendKeys(text);
      });
    },
  };
})();
