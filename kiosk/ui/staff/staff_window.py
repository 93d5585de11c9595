"""The staff console window: scan status, who and what, every form in Japanese, actions.

A normal desktop window for a counter PC. The top line says what to do or what went
wrong; below it the ticket number, the citizen's language and a red banner for practice
tickets; then every form as a tree (form → field → household member), each value copyable
with a double click; and the actions: camera, paste, copy all, JSON, CSV, PDF, clear.
Drop an image or text anywhere on the window to decode it. It renders StaffView and
forwards intents; decoding, exports and practice checks live in the controller.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Mapping

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kiosk.core.i18n import NATIVE_NAMES, N_, Translator
from kiosk.ui.staff.camera_worker import CameraWorker
from kiosk.ui.staff.scanner_input import ScannerInput
from kiosk.ui.staff.staff_controller import StaffController, StaffView
from kiosk.ui.theme import load_fonts, ui_font

TITLE = N_("Counter console")
LANGUAGE_LINE = N_("Language used: {language}")
PRACTICE_BANNER = N_("PRACTICE TICKET (SAMPLE): not a real application. Do not process.")
WARNINGS = N_("Check: {warnings}")
READING = N_("Reading… ({count} digits)")
CAMERA_FAILED = N_("The camera could not be used ({code}).")
COPIED = N_("Copied: {label}")
TICKET = N_("Ticket")


class StaffWindow(QMainWindow):
    def __init__(
        self,
        controller: StaffController,
        tr: Translator,
        open_camera: Callable[[], Any] | None = None,
        decode_frame: Callable[[Any], list[str]] | None = None,
        print_pdf: Callable[[Mapping[str, Any], Path], None] | None = None,
        calling: QWidget | None = None,
    ) -> None:
        super().__init__()
        load_fonts()
        self.controller = controller
        self.tr_ = tr
        self._open_camera, self._decode_frame, self._print_pdf = open_camera, decode_frame, print_pdf
        self._camera: CameraWorker | None = None
        self.setObjectName("StaffWindow")
        self.setFont(ui_font(13))
        self.setAcceptDrops(True)
        self.resize(1200, 860)

        body = QWidget()
        layout = QVBoxLayout(body)
        self.status = QLabel()
        self.status.setObjectName("staff-status")
        self.status.setFont(ui_font(16, bold=True))
        self.status.setWordWrap(True)
        self.practice = QLabel(tr.gettext(PRACTICE_BANNER))
        self.practice.setObjectName("staff-practice")
        self.practice.setFont(ui_font(18, bold=True))
        self.practice.setStyleSheet("background: #b3261e; color: white; padding: 8px;")
        self.practice.hide()
        self.ticket = QLabel()
        self.ticket.setObjectName("staff-ticket")
        self.ticket.setFont(ui_font(22, bold=True))
        self.language = QLabel()
        self.language.setObjectName("staff-language")
        self.language.setFont(ui_font(14))
        self.warnings = QLabel()
        self.warnings.setObjectName("staff-warnings")
        self.warnings.setStyleSheet("color: #b3261e;")
        self.warnings.setWordWrap(True)
        self.tree = QTreeWidget()
        self.tree.setObjectName("staff-forms")
        self.tree.setColumnCount(2)
        self.tree.setHeaderLabels([tr.gettext(N_("Item")), tr.gettext(N_("Content"))])
        self.tree.setColumnWidth(0, 360)
        self.tree.itemDoubleClicked.connect(self._copy_item)
        self.preview = QLabel()
        self.preview.setObjectName("staff-camera-preview")
        self.preview.setFixedSize(480, 270)
        self.preview.hide()

        actions = QHBoxLayout()
        self.buttons: dict[str, QPushButton] = {}
        for name, label, slot in (
            ("camera", N_("Camera"), self.toggle_camera),
            ("paste", N_("Paste"), self.paste),
            ("copy", N_("Copy selected"), self.copy_selected),
            ("copy-all", N_("Copy all"), self.copy_all),
            ("json", N_("Save JSON"), lambda: self._save("json")),
            ("csv", N_("Save CSV"), lambda: self._save("csv")),
            ("pdf", N_("Print forms (PDF)"), self._save_pdf),
            ("clear", N_("Clear"), self.clear),
        ):
            button = QPushButton(tr.gettext(label))
            button.setObjectName(f"staff-{name}")
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Enter from a scanner must not press it
            button.clicked.connect(slot)
            self.buttons[name] = button
            actions.addWidget(button)
        self.buttons["camera"].setCheckable(True)
        self.buttons["camera"].setEnabled(open_camera is not None)
        self.buttons["pdf"].setEnabled(print_pdf is not None)

        self.calling = calling
        header = QHBoxLayout()
        who = QVBoxLayout()
        who.addWidget(self.ticket)
        who.addWidget(self.language)
        header.addLayout(who, 1)
        header.addWidget(self.preview)
        layout.addWidget(self.status)
        layout.addWidget(self.practice)
        layout.addLayout(header)
        layout.addWidget(self.warnings)
        layout.addWidget(self.tree, 1)
        layout.addLayout(actions)
        if calling is not None:
            # The counter's queue beside the forms: call, serve, pass on without leaving the case.
            outer = QWidget()
            columns = QHBoxLayout(outer)
            columns.addWidget(body, 1)
            columns.addWidget(calling)
            calling.message.connect(self.controller.report_message)
            self.setCentralWidget(outer)
        else:
            self.setCentralWidget(body)

        self.scanner = ScannerInput(self)
        self.scanner.scanned.connect(lambda text: controller.scan_text(text, "scanner"))
        self.scanner.typing.connect(lambda n: self.status.setText(tr.gettext(READING).format(count=n)))
        QShortcut(QKeySequence.StandardKey.Paste, self, activated=self.paste)
        controller.changed.connect(self.show_view)
        self.show_view(controller.view)

    # -- rendering ------------------------------------------------------------------
    def show_view(self, view: StaffView) -> None:
        tr = self.tr_
        self.status.setText(view.status)
        self.status.setStyleSheet("color: #b3261e;" if view.is_error else "color: #1b5e20;")
        described = view.described
        base_title = tr.gettext(TITLE)
        if described is None:
            self.setWindowTitle(base_title)
            self.ticket.setText("")
            self.language.setText("")
            self.warnings.setText("")
            self.practice.hide()
            self.tree.clear()
            self._set_actions(False)
            return
        self.setWindowTitle(f"{tr.gettext(TICKET)} {described['ticket']} — {base_title}")
        self.ticket.setText(f"{tr.gettext(TICKET)} {described['ticket']}")
        code = described["language"]
        self.language.setText(tr.gettext(LANGUAGE_LINE).format(language=f"{NATIVE_NAMES.get(code, code)} ({code})"))
        self.practice.setVisible(bool(described["practice"]))
        warnings = list(described.get("warnings", []))
        for form in described["forms"]:
            warnings.extend(form.get("warnings", []))
        self.warnings.setText(tr.gettext(WARNINGS).format(warnings=" / ".join(warnings)) if warnings else "")
        self._fill_tree(described)
        self._set_actions(True)

    def _fill_tree(self, described: Mapping[str, Any]) -> None:
        self.tree.clear()
        for form in described["forms"]:
            top = QTreeWidgetItem([f"{form['title']}（{form['form']} v{form['version']}）", ""])
            top.setFont(0, ui_font(14, bold=True))
            self.tree.addTopLevelItem(top)
            for field in form["fields"]:
                self._add_field(top, field)
            top.setExpanded(True)

    def _add_field(self, parent: QTreeWidgetItem, field: Mapping[str, Any]) -> None:
        value = field.get("value")
        if isinstance(value, list) and value and all(isinstance(member, list) for member in value):
            group = QTreeWidgetItem(parent, [field["label"], f"{len(value)}"])
            for index, member in enumerate(value, start=1):
                person = QTreeWidgetItem(group, [f"{field['label']} {index}", ""])
                for sub in member:
                    self._add_field(person, sub)
                person.setExpanded(True)
            group.setExpanded(True)
            return
        QTreeWidgetItem(parent, [field.get("label", str(field.get("key"))), str(field.get("display", value))])

    def _set_actions(self, enabled: bool) -> None:
        for name in ("copy", "copy-all", "json", "csv", "clear"):
            self.buttons[name].setEnabled(enabled)
        self.buttons["pdf"].setEnabled(enabled and self._print_pdf is not None)

    # -- actions --------------------------------------------------------------------
    def _copy_item(self, item: QTreeWidgetItem, column: int = 1) -> None:
        QGuiApplication.clipboard().setText(item.text(1) or item.text(0))
        self.status.setText(self.tr_.gettext(COPIED).format(label=item.text(0)))

    def copy_selected(self) -> None:
        item = self.tree.currentItem()
        if item is not None:
            self._copy_item(item)

    def copy_all(self) -> None:
        lines: list[str] = []

        def walk(item: QTreeWidgetItem, depth: int) -> None:
            lines.append("\t" * depth + "\t".join(t for t in (item.text(0), item.text(1)) if t))
            for i in range(item.childCount()):
                walk(item.child(i), depth + 1)

        for i in range(self.tree.topLevelItemCount()):
            walk(self.tree.topLevelItem(i), 0)
        QGuiApplication.clipboard().setText("\n".join(lines))

    def paste(self) -> None:
        clipboard = QGuiApplication.clipboard()
        image = clipboard.image()
        if not image.isNull():
            self.controller.scan_image(_qimage_to_pil(image), "paste")
        elif clipboard.text().strip():
            for line in clipboard.text().split():
                self.controller.scan_text(line, "paste")

    def clear(self) -> None:
        QGuiApplication.clipboard().clear()  # copied personal data does not outlive the case
        self.controller.clear()

    def _save(self, kind: str) -> None:
        described = self.controller.view.described
        if described is None:
            return
        suggested = f"{described['ticket']}.{kind}"
        path, _ = QFileDialog.getSaveFileName(self, self.tr_.gettext(N_("Save as")), suggested)
        if path:
            self.controller.export(Path(path), kind)

    def _save_pdf(self) -> None:
        described = self.controller.view.described
        if described is None or self._print_pdf is None or not self.controller.may_print():
            return
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr_.gettext(N_("Save as")), f"{described['ticket']}.pdf", "PDF (*.pdf)"
        )
        if path:
            try:
                self._print_pdf(described, Path(path))
            except OSError as exc:
                self.controller.report_error(str(exc.strerror))
                return
            self.controller.report_saved(Path(path))

    def toggle_camera(self) -> None:
        if self._camera is not None:
            self._camera.stop()
            self._camera = None
            self.preview.hide()
            self.buttons["camera"].setChecked(False)
            return
        if self._open_camera is None or self._decode_frame is None:
            return
        self._camera = CameraWorker(self._open_camera, self._decode_frame)
        self._camera.frame_ready.connect(self._show_frame)
        self._camera.texts_found.connect(lambda texts: self.controller.scan_texts(texts, "camera"))
        self._camera.failed.connect(self._camera_failed)
        self.preview.show()
        self.buttons["camera"].setChecked(True)
        self._camera.start()

    def _show_frame(self, image: QImage) -> None:
        self.preview.setPixmap(QPixmap.fromImage(image).scaled(
            self.preview.size(), Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation))

    def _camera_failed(self, code: str) -> None:
        self.controller.report_error(self.tr_.gettext(CAMERA_FAILED).format(code=code))
        if self._camera is not None:
            self._camera = None
            self.preview.hide()
            self.buttons["camera"].setChecked(False)

    # -- drag and drop --------------------------------------------------------------
    def dragEnterEvent(self, event) -> None:  # noqa: N802 (Qt name)
        if event.mimeData().hasUrls() or event.mimeData().hasText() or event.mimeData().hasImage():
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:  # noqa: N802 (Qt name)
        data = event.mimeData()
        if data.hasUrls() and any(url.isLocalFile() for url in data.urls()):
            for url in data.urls():
                if url.isLocalFile():
                    self.controller.scan_image(Path(url.toLocalFile()), "drop")
        elif data.hasImage():
            self.controller.scan_image(_qimage_to_pil(QImage(data.imageData())), "drop")
        elif data.hasText():
            for line in data.text().split():
                self.controller.scan_text(line, "drop")
        event.acceptProposedAction()

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        if self._camera is not None:
            self._camera.stop()
        self.scanner.detach()
        super().closeEvent(event)


def _qimage_to_pil(image: QImage):
    from PIL import Image

    rgb = image.convertToFormat(QImage.Format.Format_RGB888)
    return Image.frombytes("RGB", (rgb.width(), rgb.height()), bytes(rgb.constBits()), "raw", "RGB", rgb.bytesPerLine())
