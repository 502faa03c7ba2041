"""The driver of a `netui serve` session: Textual's web driver, and two things more.

- When the server goes away (its end of the session's stdin closes) the app exits,
  instead of living on with no viewer and an open engine connection.
- With NETUI_STATE_DIR set (the browser tests), the app's state is written there
  (netui.ui.state_hook), so a test can check what a browser's keys did.

The server selects it with TEXTUAL_DRIVER (netui.serve.server); the app is unchanged.
"""

from __future__ import annotations

import os

from textual import messages
from textual.drivers.web_driver import WebDriver

from netui.ui.state_hook import STATE_DIR_ENV


class ServedDriver(WebDriver):
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
            self._app.post_message(messages.ExitApp())
