"""Dialogs: header mapping, find and replace, submit choice, settings, PI attestation."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QCoreApplication, QDate, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.gui.codes import field_label
from app.gui.delegates import FieldSpec

UNMAPPED = ""


@dataclass
class MappingChoice:
    record_type: str
    mapping: dict[str, str]  # source header -> canonical field (unmapped headers omitted)
    remember: bool


class MappingDialog(QDialog):
    """Map each source column to a field of the record type. Suggestions are pre-selected, never forced."""

    def __init__(
        self,
        headers: Sequence[str],
        suggested: Mapping[str, str | None],
        record_types: Sequence[str],
        record_type: str | None,
        fields_for: Callable[[str], Sequence[FieldSpec]],
        preview: Sequence[Sequence[str]],
        problems: Sequence[str] = (),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Match the columns"))
        self.setAccessibleName(self.tr("Column mapping"))
        self._headers = list(headers)
        self._suggested = dict(suggested)
        self._fields_for = fields_for
        self._combos: list[QComboBox] = []

        intro = QLabel(
            self.tr(
                "LabSync could not match every column of this file to the data dictionary. Check the "
                "suggested matches below; a column left as “(not imported)” is ignored."
            ),
            self,
        )
        intro.setWordWrap(True)
        self.problems = QLabel("\n".join(problems), self)
        self.problems.setWordWrap(True)
        self.problems.setStyleSheet("color: #b3261e;")
        self.problems.setVisible(bool(problems))

        self.type_combo = QComboBox(self)
        for name in record_types:
            self.type_combo.addItem(name.replace("_", " ").capitalize(), name)
        self.type_combo.setAccessibleName(self.tr("Record type"))
        if record_type and record_type in record_types:
            self.type_combo.setCurrentIndex(self.type_combo.findData(record_type))
        self.type_combo.currentIndexChanged.connect(lambda _i: self._fill_combos(self.record_type()))

        self.table = QTableWidget(len(self._headers), 3 + 0, self)
        self.table.setHorizontalHeaderLabels(
            [self.tr("Column in the file"), self.tr("Field"), self.tr("Example")]
        )
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAccessibleName(self.tr("Columns and the fields they map to"))
        for row, header in enumerate(self._headers):
            self.table.setItem(row, 0, QTableWidgetItem(header))
            combo = QComboBox(self.table)
            combo.setAccessibleName(self.tr("Field for column {0}").format(header))
            self._combos.append(combo)
            self.table.setCellWidget(row, 1, combo)
            examples = [str(r[row]) for r in preview if row < len(r) and str(r[row] or "").strip()][:3]
            self.table.setItem(row, 2, QTableWidgetItem(" · ".join(examples)))
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)

        self.preview = QTableWidget(len(preview), len(self._headers), self)
        self.preview.setHorizontalHeaderLabels(self._headers)
        self.preview.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.preview.setAccessibleName(self.tr("Preview of the first rows"))
        for r, values in enumerate(preview):
            for c, value in enumerate(list(values)[: len(self._headers)]):
                self.preview.setItem(r, c, QTableWidgetItem("" if value is None else str(value)))
        self.preview.setWordWrap(False)  # one line per row: the preview shows more rows in less height
        self.preview.resizeRowsToContents()
        self.preview.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        rows_h = sum(self.preview.rowHeight(r) for r in range(self.preview.rowCount()))
        chrome = self.preview.horizontalHeader().sizeHint().height() + 24
        self.preview.setFixedHeight(min(rows_h + chrome, 220))

        self.remember = QCheckBox(self.tr("Remember for this template (files with the same columns)"), self)
        self.remember.setChecked(True)
        self.missing = QLabel(self)
        self.missing.setWordWrap(True)

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Import"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)

        form = QFormLayout()
        form.addRow(self.tr("Record type:"), self.type_combo)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.problems)
        layout.addLayout(form)
        layout.addWidget(self.table, 1)
        layout.addWidget(QLabel(self.tr("Preview of the first rows"), self))
        layout.addWidget(self.preview)
        layout.addWidget(self.missing)
        layout.addWidget(self.remember)
        layout.addWidget(buttons)
        self.resize(900, 760)
        self._fill_combos(self.record_type())

    def record_type(self) -> str:
        return str(self.type_combo.currentData() or "")

    def set_record_type(self, name: str) -> None:
        self.type_combo.setCurrentIndex(max(self.type_combo.findData(name), 0))

    def _fill_combos(self, record_type: str) -> None:
        specs = list(self._fields_for(record_type)) if record_type else []
        for header, combo in zip(self._headers, self._combos, strict=True):
            previous = combo.currentData() or self._suggested.get(header)
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(self.tr("(not imported)"), UNMAPPED)
            for spec in specs:
                label = field_label(spec.name) + (" *" if spec.required else "")
                combo.addItem(label, spec.name)
                combo.setItemData(combo.count() - 1, spec.name, Qt.ItemDataRole.ToolTipRole)
            pos = combo.findData(previous) if previous else 0
            combo.setCurrentIndex(max(pos, 0))
            combo.blockSignals(False)
            combo.currentIndexChanged.connect(self._update_missing)
        self._specs = specs
        self._update_missing()

    def _update_missing(self) -> None:
        chosen = {c.currentData() for c in self._combos}
        missing = [s.name for s in getattr(self, "_specs", []) if s.required and s.name not in chosen]
        self.missing.setText(
            self.tr("Required fields without a column: {0}").format(", ".join(missing)) if missing else ""
        )

    def set_choice(self, header: str, field: str) -> None:
        combo = self._combos[self._headers.index(header)]
        combo.setCurrentIndex(max(combo.findData(field), 0))

    def choice(self) -> MappingChoice:
        mapping = {
            h: str(c.currentData())
            for h, c in zip(self._headers, self._combos, strict=True)
            if c.currentData()
        }
        return MappingChoice(self.record_type(), mapping, self.remember.isChecked())


class FindReplaceDialog(QDialog):
    """Find and replace in one column; "Replace all" is a single undo step."""

    def __init__(
        self, columns: Sequence[tuple[str, str]], current: str | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Find and Replace"))
        self.column = QComboBox(self)
        for field, title in columns:
            self.column.addItem(title, field)
        if current:
            self.column.setCurrentIndex(max(self.column.findData(current), 0))
        self.column.setAccessibleName(self.tr("Column"))
        self.find_edit = QLineEdit(self)
        self.find_edit.setAccessibleName(self.tr("Find"))
        self.replace_edit = QLineEdit(self)
        self.replace_edit.setAccessibleName(self.tr("Replace with"))
        self.whole = QCheckBox(self.tr("Whole cell only"), self)
        self.case = QCheckBox(self.tr("Match case"), self)
        self.result_label = QLabel(self)
        form = QFormLayout()
        form.addRow(self.tr("In column:"), self.column)
        form.addRow(self.tr("Find:"), self.find_edit)
        form.addRow(self.tr("Replace with:"), self.replace_edit)
        form.addRow("", self.whole)
        form.addRow("", self.case)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.replace_all = QPushButton(self.tr("Replace All"), self)
        self.replace_all.setDefault(True)
        buttons.addButton(self.replace_all, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.result_label)
        layout.addWidget(buttons)

    def field(self) -> str:
        return str(self.column.currentData())

    def transform(self, text: str) -> str:
        """The replacement the user asked for; the same text when it does not match."""
        needle, repl = self.find_edit.text(), self.replace_edit.text()
        if not needle:
            return text
        if self.whole.isChecked():
            same = text == needle if self.case.isChecked() else text.casefold() == needle.casefold()
            return repl if same else text
        if self.case.isChecked():
            return text.replace(needle, repl)
        import re

        return re.sub(re.escape(needle), lambda _m: repl, text, flags=re.IGNORECASE)


class SubmitChoice:
    NOW = "now"
    WAIT = "wait"
    CANCEL = "cancel"


def ask_submit(parent: QWidget, valid: int, invalid: int, *, partial_allowed: bool = True) -> str:
    """ "Submit valid rows now" or "wait until all are valid" (the latter only as an explicit choice)."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(QCoreApplication.translate("SubmitDialog", "Submit to the portal"))
    box.setInformativeText(
        QCoreApplication.translate(
            "SubmitDialog", "Rows the portal already has, unchanged since, are not sent again."
        )
    )
    if invalid == 0:
        box.setText(
            QCoreApplication.translate(
                "SubmitDialog", "All {0} rows are valid. Submit them to the portal?"
            ).format(f"{valid:,}")
        )
        now = box.addButton(
            QCoreApplication.translate("SubmitDialog", "Submit"), QMessageBox.ButtonRole.AcceptRole
        )
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        return SubmitChoice.NOW if box.clickedButton() is now else SubmitChoice.CANCEL
    box.setText(
        QCoreApplication.translate(
            "SubmitDialog",
            "{0} rows are valid and {1} still have errors. "
            "Rows with errors stay in Quarantine until they are fixed.",
        ).format(f"{valid:,}", f"{invalid:,}")
    )
    now_btn = None
    if partial_allowed and valid:
        now_btn = box.addButton(
            QCoreApplication.translate("SubmitDialog", "Submit valid rows now"),
            QMessageBox.ButtonRole.AcceptRole,
        )
    else:
        box.setInformativeText(
            QCoreApplication.translate(
                "SubmitDialog", "The institution's policy requires every row to be valid first."
            )
            + "\n"
            + box.informativeText()
        )
    wait_btn = box.addButton(
        QCoreApplication.translate("SubmitDialog", "Wait until all are valid"),
        QMessageBox.ButtonRole.RejectRole,
    )
    box.setDefaultButton(wait_btn)
    box.exec()
    if now_btn is not None and box.clickedButton() is now_btn:
        return SubmitChoice.NOW
    return SubmitChoice.WAIT


@dataclass
class SettingRow:
    key: str
    label: str
    value: Any
    source: str  # "built-in", "site", "user", "environment", "command line"
    kind: str = "text"  # text | file | int | secret
    help: str = ""  # one line: what the setting does


class SettingsDialog(QDialog):
    """Portal, TLS and batch settings; a value set by IT (site configuration) is read-only and says so."""

    def __init__(
        self,
        rows: Sequence[SettingRow],
        *,
        signed_in_as: str | None,
        on_sign_in: Callable[[], None] | None = None,
        on_sign_out: Callable[[], None] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Settings"))
        self._editors: dict[str, QWidget] = {}
        self._rows = {r.key: r for r in rows}
        form = QFormLayout()
        for row in rows:
            locked = row.source in {"site", "environment", "command line"}
            editor: QWidget
            if row.kind == "int":
                spin = QSpinBox(self)
                spin.setRange(1, 100_000)
                spin.setValue(int(row.value or 0))
                spin.setEnabled(not locked)
                editor = spin
            else:
                line = QLineEdit("" if row.value is None else str(row.value), self)
                line.setReadOnly(locked)
                if row.kind == "file" and not locked:
                    wrap = QWidget(self)
                    h = QHBoxLayout(wrap)
                    h.setContentsMargins(0, 0, 0, 0)
                    h.addWidget(line)
                    browse = QPushButton(self.tr("Browse…"), wrap)
                    browse.clicked.connect(lambda _=False, ed=line: self._browse(ed))
                    h.addWidget(browse)
                    self._editors[row.key] = line
                    line.setAccessibleName(row.label)
                    form.addRow(self._label(row, locked), wrap)
                    continue
                editor = line
            editor.setAccessibleName(row.label)
            editor.setToolTip(row.help)
            editor.setAccessibleDescription(row.help)
            if locked:
                editor.setStyleSheet("background: palette(window);")  # looks read-only, stays selectable
                editor.setToolTip(self.tr("Set by {0}; ask IT to change it.").format(row.source))
                editor.setAccessibleDescription(self.tr("Read-only, set by {0}").format(row.source))
            self._editors[row.key] = editor
            form.addRow(self._label(row, locked), editor)

        account = QGroupBox(self.tr("Portal account"), self)
        acc = QHBoxLayout(account)
        self.account_label = QLabel(
            self.tr("Signed in as {0}").format(signed_in_as) if signed_in_as else self.tr("Not signed in"),
            account,
        )
        acc.addWidget(self.account_label, 1)
        self.sign_in = QPushButton(self.tr("Sign In…"), account)
        self.sign_out = QPushButton(self.tr("Sign Out"), account)
        self.sign_in.setEnabled(on_sign_in is not None and not signed_in_as)
        self.sign_out.setEnabled(on_sign_out is not None and bool(signed_in_as))
        if on_sign_in:
            self.sign_in.clicked.connect(on_sign_in)
        if on_sign_out:
            self.sign_out.clicked.connect(on_sign_out)
        acc.addWidget(self.sign_in)
        acc.addWidget(self.sign_out)

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.body = QVBoxLayout(self)
        self.body.addLayout(form)
        self.body.addWidget(account)
        self.body.addWidget(buttons)
        self.resize(640, 0)

    def _label(self, row: SettingRow, locked: bool) -> str:
        suffix = self.tr(" (set by {0})").format(row.source) if locked else ""
        return f"{row.label}{suffix}:"

    def _browse(self, line: QLineEdit) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Choose a file"), line.text())
        if path:
            line.setText(path)

    def changed_values(self) -> dict[str, Any]:
        """Only values the user may change and did change."""
        out: dict[str, Any] = {}
        for key, editor in self._editors.items():
            row = self._rows[key]
            if row.source in {"site", "environment", "command line"}:
                continue
            value: Any = editor.value() if isinstance(editor, QSpinBox) else editor.text().strip()  # type: ignore[attr-defined]
            if isinstance(value, str) and not value:
                value = None
            if value != row.value and not (value is None and row.value in (None, "")):
                out[key] = value
        return out


ATTESTATION_TYPES = (
    "effort certification",
    "personnel certification",
    "chemical inventory review",
    "training completion",
)
STATEMENT_VERSION = "2025.1"


@dataclass(frozen=True)
class Signer:
    """Who signs an attestation: the portal identity confirmed at sign-in (``GET /v1/whoami``), or, offline
    or never signed in, the operating-system user, recorded as such."""

    name: str
    source: str  # "portal" | "os"

    @property
    def signed_by(self) -> str:
        """The value stored in the record: ``portal:<subject>`` or ``os:<user>`` (never ambiguous)."""
        return f"{self.source}:{self.name}"

    def describe(self) -> str:
        if self.source == "portal":
            return QCoreApplication.translate("AttestationDialog", "{0} (portal identity)").format(self.name)
        return QCoreApplication.translate(
            "AttestationDialog", "{0} (computer user: not signed in to the portal)"
        ).format(self.name)


def os_signer() -> Signer:
    import getpass

    try:
        return Signer(getpass.getuser(), "os")
    except Exception:  # no user name in the environment or the password database
        return Signer("unknown", "os")


class AttestationDialog(QDialog):
    """A PI attestation: type, award, period, the statement's text and version; signed by the signed-in PI.

    The record keeps the statement's text and version, who signed (portal identity, or the computer's user
    when offline, labelled as such) and when (UTC), as data fields of the ``attestation`` record type.
    """

    def __init__(
        self, signer: Signer | str, pi_email: str | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("PI Attestation"))
        self.signer = signer if isinstance(signer, Signer) else Signer(signer, "portal")
        self.kind = QComboBox(self)
        self.kind.addItems(list(ATTESTATION_TYPES))
        self.kind.setAccessibleName(self.tr("Attestation type"))
        self.pi = QLineEdit(self.signer.name, self)
        self.pi.setAccessibleName(self.tr("PI name"))
        self.email = QLineEdit(pi_email or "", self)
        self.email.setAccessibleName(self.tr("PI e-mail"))
        self.award = QLineEdit(self)
        self.award.setAccessibleName(self.tr("Award number"))
        self.award.setPlaceholderText(self.tr("e.g. R01GM123456"))
        today = dt.date.today()
        self.start = QDateEdit(QDate(today.year, 1, 1), self)
        self.end = QDateEdit(QDate(today.year, 6, 30), self)
        for w, name in ((self.start, self.tr("Period start")), (self.end, self.tr("Period end"))):
            w.setCalendarPopup(True)
            w.setDisplayFormat("yyyy-MM-dd")
            w.setAccessibleName(name)
        self.statement = QPlainTextEdit(self)
        self.statement.setReadOnly(True)
        self.statement.setAccessibleName(self.tr("Statement"))
        self.statement.setMaximumHeight(110)
        self.kind.currentTextChanged.connect(self._update_statement)
        self._update_statement(self.kind.currentText())
        self.agree = QCheckBox(self.tr("I attest that the statement above is true"), self)
        self.identity = QLabel(self)
        self.identity.setWordWrap(True)
        self.identity.setAccessibleName(self.tr("Signing identity"))
        self.set_signer(self.signer)
        form = QFormLayout()
        form.addRow(self.tr("Type:"), self.kind)
        form.addRow(self.tr("PI name:"), self.pi)
        form.addRow(self.tr("PI e-mail:"), self.email)
        form.addRow(self.tr("Award:"), self.award)
        form.addRow(self.tr("Period start:"), self.start)
        form.addRow(self.tr("Period end:"), self.end)
        form.addRow(self.tr("Statement (version {0}):").format(STATEMENT_VERSION), self.statement)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.sign = buttons.addButton(self.tr("Sign"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.sign.setEnabled(False)
        self.agree.toggled.connect(self.sign.setEnabled)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.agree)
        layout.addWidget(self.identity)
        layout.addWidget(buttons)
        self.resize(560, 0)

    def set_signer(self, signer: Signer) -> None:
        """Who will sign (the portal may confirm the identity after the dialog opened)."""
        if self.pi.text().strip() in {"", self.signer.name}:
            self.pi.setText(signer.name)
        self.signer = signer
        self.identity.setText(self.tr("Signing as {0}").format(signer.describe()))
        self.identity.setStyleSheet("" if signer.source == "portal" else "color: #8a5a00;")

    def _update_statement(self, kind: str) -> None:
        self.statement.setPlainText(
            self.tr(
                "I certify that the {0} for the period shown is complete and correct to the best of my "
                "knowledge, and that I have reviewed the records it covers."
            ).format(kind)
        )

    def record(self) -> dict[str, str]:
        """The attestation as canonical field values (the record type ``attestation``)."""
        return {
            "attestation_type": self.kind.currentText(),
            "pi_name": self.pi.text().strip() or self.signer.name,
            "pi_email": self.email.text().strip(),
            "award_number": self.award.text().strip(),
            "period_start": self.start.date().toString("yyyy-MM-dd"),
            "period_end": self.end.date().toString("yyyy-MM-dd"),
            "attested": "yes" if self.agree.isChecked() else "no",
            "signature_date": dt.date.today().isoformat(),
            "statement_text": self.statement.toPlainText(),
            "statement_version": STATEMENT_VERSION,
            "signed_by": self.signer.signed_by,
            "signed_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        }
