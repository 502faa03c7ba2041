"""The pages `netui serve` sends: the app page (xterm.js from textual-serve), and the
page a visitor gets when every session is in use.

Nothing here comes from the engine, the environment or the file system: the page
carries the title "netui", a one-time ticket and a font size, nothing else (textual-serve's
own page shows the session command line as its title, and loads a font from the web).
"""

from __future__ import annotations

from html import escape

STYLE = """
@font-face {
  font-family: "Roboto Mono";
  src: url("/static/fonts/RobotoMono-VariableFont_wght.ttf") format("truetype");
  font-weight: 100 700;
}
html, body { margin: 0; height: 100%; background: #0c181f; }
body { font-family: "Roboto Mono", monospace; color: rgba(255, 255, 255, 0.95); }
.dialog-container {
  position: absolute; width: 100vw; height: 100vh; display: flex;
  align-items: center; justify-content: center; z-index: 10;
}
.intro {
  max-width: 640px; padding: 32px 48px; font-size: 16px; text-align: center;
  background-color: #12232d; z-index: 20;
}
.intro h1 { font-size: 22px; margin: 0 0 12px 0; }
.intro p { margin: 8px 0; line-height: 1.5; }
button {
  padding: 12px 28px; margin: 16px auto 0 auto; background-color: #5e0ba7; color: #fff;
  border: none; font: inherit; display: block; cursor: pointer;
}
button:hover { background: #ac5af4; }
body.-first-byte .intro-dialog { display: none; }
body .textual-terminal { opacity: 0; transition: opacity 0.3s ease-out; width: 100vw; height: 100vh; }
body.-first-byte .textual-terminal { opacity: 1; }
.closed-dialog { display: none; }
body.-closed .closed-dialog { display: flex; }
#start { display: none; }
.font-probe { position: absolute; visibility: hidden; }
"""


def app_page(*, ticket: str, font_size: int, nonce: str) -> str:
    """The page that opens one session: its websocket carries the ticket in its path."""
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>netui</title>
<link rel="stylesheet" href="/static/css/xterm.css">
<script src="/static/js/textual.js"></script>
<style>{STYLE}</style>
</head>
<body>
<span class="font-probe">netui</span>
<div class="dialog-container intro-dialog"><div class="intro"><h1>netui</h1><p>starting a session…</p>
<button type="button" id="start">Start</button></div></div>
<div class="dialog-container closed-dialog"><div class="intro"><h1>Session ended</h1>
<p>netui closed, or the server stopped.</p><button type="button" id="restart">Start again</button></div></div>
<div id="terminal" class="textual-terminal" data-ticket="{escape(ticket)}" data-font-size="{int(font_size)}"></div>
<script nonce="{escape(nonce)}">
(function () {{
  var t = document.getElementById("terminal");
  var scheme = location.protocol === "https:" ? "wss://" : "ws://";
  t.dataset.sessionWebsocketUrl = scheme + location.host + "/ws/" + encodeURIComponent(t.dataset.ticket);
  document.getElementById("restart").addEventListener("click", function () {{
    location.replace(location.pathname + location.search);
  }});
}})();
</script>
</body>
</html>
"""


def full_page(*, limit: int, retry: int) -> str:
    """What the visitor past the cap sees: in plain words, and it tries again by itself."""
    places = "1 session" if limit == 1 else f"{limit} sessions"
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="{int(retry)}">
<title>netui: all sessions in use</title>
<style>{STYLE}</style>
</head>
<body>
<div class="dialog-container"><div class="intro" id="full">
<h1>netui: the session limit is reached</h1>
<p>This netui allows {escape(places)} at once, and {"it is" if limit == 1 else "all are"} in use.</p>
<p>This page tries again every {int(retry)} seconds: you are let in as soon as someone leaves.</p>
<p>(The presenter can allow more with <code>netui serve --max-sessions</code>.)</p>
</div></div>
</body>
</html>
"""


FULL_TERMINAL_MESSAGE = (
    "\x1b[2J\x1b[H\r\n  netui: the session limit is reached ({limit} at once, all in use).\r\n"
    "  Reload this page to try again.\r\n"
)


def refused_host_page(allowed: str) -> str:
    return (
        "netui serve answers on this machine only: open it as " + allowed + ".\n"
        "(A page reached through another name could be a DNS-rebinding attack.)\n"
    )
