"""Qt windows and widgets, one window class per role, on a small shared framework.

How a window is built (the workstation is the example; the terminal, the live panel and the
verifier follow it):

* **Threads** — core code (devices, the link, the record executor) calls plain callbacks on
  its own threads.  Hand it ``bridge.adapt(fn, context=widget)`` (each call runs ``fn`` on the
  GUI thread), ``bridge.batched(fn)`` (high-rate items such as pen samples arrive as lists,
  one per event-loop turn) or ``bridge.latest(fn)`` (only the newest value: a status, a
  preview frame).  :mod:`app.ui.bridge` is the only place where threads cross into Qt.
* **Work** — anything slow or touching the database runs as
  ``Op(widget, work, on_success).failure(...).with_progress(text).run()``
  (:mod:`app.ui.ops`): ``work(progress)`` gets domain objects by closure, never widgets;
  results and errors come back on the GUI thread; unhandled errors go to the window's
  :class:`~app.ui.errors.ErrorReporter` (bilingual domain message, traceback in the log).
  A window owns one ``OpRunner`` as ``op_runner`` and one ``Bridge``, and on close calls
  ``op_runner.shutdown()`` then ``bridge.close()`` then shuts its services down.
* **Words** — every user-visible string is English source text in ``self.tr()`` or
  ``QCoreApplication.translate(context, ...)``; domain texts come from the domain
  (``Text.get(current_language())``, ``RecordError.message(language)``).  Widgets derive from
  :class:`~app.ui.i18n.Retranslating` and set their texts in ``retranslate()``, which runs
  again on every language switch.  ``tools/i18n.py update`` refreshes the catalogue; the
  tests fail while a string lacks its Chinese.
* **Services** — passed in, never looked up: the workstation gets a
  :class:`~app.ui.services.WorkstationServices` (or a function that opens it, run in the
  background so the window shows at once).
* **Look** — :mod:`app.ui.style`: roles (``set_role(label, "error")``), ``mark_invalid``,
  and ``apply_style(app, large_type=True)`` for the kiosk.
"""
