"""The driver of a `netui serve` session: Textual's web driver, and two things more.

- When the server goes away (its end of the session's stdin closes, or writing the
  screen to it fails) the app exits, and exits cleanly: output is dropped instead of
  raising, so the app's shutdown runs to the end (on_unmount closes the engine's
  event stream; without it the process would wait on that stream's thread forever).
- With NETUI_STATE_DIR set (the browser tests), the app's state is written there
  (netui.ui.state_hook), so a test can check what a browser's keys did.

The server selects it with TEXTUAL_DRIVER (netui.serve.server); the app is unchanged.
"""

from __future__ import annotations

import os
import threading

from textual import messages
from textual.drivers.web_driver import WebDriver

from netui.ui.state_hook import STATE_DIR_ENV


class ServedDriver(WebDriver):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._server_gone = threading.Event()
        self._write_raw = self._write
        self._write = self._write_or_drop  # type: ignore[assignment]

    def _write_or_drop(self, data: bytes) -> None:
        if self._server_gone.is_set():
            return
        try:
            self._write_raw(data)
        except OSError:  # BrokenPipeError: nobody reads this session any more
            self._lost_server()

    def _lost_server(self) -> None:
        if not self._server_gone.is_set():
            self._server_gone.set()
            self._app.post_message(messages.ExitApp())

    def start_application_mode(self) -> None:
        super().start_application_mode()
        state_dir = os.environ.get(STATE_DIR_ENV)
        if state_dir:
            from netui.ui.state_hook import install

            install(self._app, state_dir)

    def run_input_thread(self) -> None:
        super().run_input_thread()
        if not self.exit_event.is_set():
            # Input ended and the app did not stop it: the server has gone.
            self._lost_server()
