<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1">
<context>
    <name>AttestationDialog</name>
    <message>
        <location filename="../../app/gui/dialogs.py" line="421"/>
        <source>PI Attestation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs.py" line="424"/>
        <source>Attestation type</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs.py" line="426"/>
        <source>Award number</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs.py" line="430"/>
        <source>Period start</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs.py" line="430"/>
        <source>Period end</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs.py" line="436"/>
        <source>Statement</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs.py" line="439"/>
        <source>I attest that the statement above is true</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs.py" line="441"/>
        <source>Signing as {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs.py" line="446"/>
        <source>Type:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs.py" line="447"/>
        <source>Award:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs.py" line="448"/>
        <source>Period start:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs.py" line="449"/>
        <source>Period end:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs.py" line="450"/>
        <source>Statement (version {0}):</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs.py" line="452"/>
        <source>Sign</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs.py" line="466"/>
        <source>I certify that the {0} for the period shown is complete and correct to the best of my knowledge, and that I have reviewed the records it covers.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>AuditView</name>
    <message>
        <location filename="../../app/gui/views.py" line="278"/>
        <source>#</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/views.py" line="280"/>
        <source>When (local time)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/views.py" line="283"/>
        <source>Who</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/views.py" line="287"/>
        <source>Action</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/views.py" line="288"/>
        <source>What</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/views.py" line="289"/>
        <source>Before</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/views.py" line="291"/>
        <source>After</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/views.py" line="299"/>
        <source>Filter by batch</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/views.py" line="301"/>
        <source>Record or row…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/views.py" line="302"/>
        <source>Filter by record</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/views.py" line="304"/>
        <source>Filter by action</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/views.py" line="305"/>
        <source>All actions</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/views.py" line="308"/>
        <source>Verify Integrity</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/views.py" line="310"/>
        <source>Checks that no audit entry was changed, removed or reordered</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/views.py" line="312"/>
        <source>Export…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/views.py" line="316"/>
        <source>Verification result</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/views.py" line="323"/>
        <source>Batch:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/views.py" line="326"/>
        <source>Action:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/views.py" line="331"/>
        <source>Audit log entries</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/views.py" line="342"/>
        <source>All batches</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/views.py" line="364"/>
        <source>Verifying…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/views.py" line="377"/>
        <source>The audit log is intact: all {0} entries check out; none was changed, removed, inserted or reordered.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/views.py" line="384"/>
        <source>The audit log has been tampered with: entry {0} does not check out. {1}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/views.py" line="393"/>
        <source>Verification could not run: {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/views.py" line="397"/>
        <source>Export audit log</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/views.py" line="397"/>
        <source>CSV (*.csv);;JSON Lines (*.jsonl)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/views.py" line="410"/>
        <source>Exported to {0}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>CellDelegate</name>
    <message>
        <location filename="../../app/gui/delegates.py" line="135"/>
        <source>Date for {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/delegates.py" line="142"/>
        <source>Choice for {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/delegates.py" line="145"/>
        <source>Value for {0}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Dashboard</name>
    <message>
        <location filename="../../app/gui/views.py" line="434"/>
        <source>Open problems by code</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/views.py" line="435"/>
        <source>Outbox by state</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/views.py" line="436"/>
        <source>Valid rows and rows with errors, batch by batch</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/views.py" line="479"/>
        <source>{0} problems of {1} kinds in the current batch · {2} records waiting to be sent · {3} accepted by the portal</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/views.py" line="496"/>
        <source>Errors</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/views.py" line="497"/>
        <source>Warnings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/views.py" line="509"/>
        <source>no problems</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/views.py" line="535"/>
        <source>Outbox empty</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/views.py" line="549"/>
        <source>Rows with errors</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/views.py" line="551"/>
        <source>Valid rows</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>EditController</name>
    <message>
        <location filename="../../app/gui/editing.py" line="105"/>
        <source>Edit {0}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>FindReplaceDialog</name>
    <message>
        <location filename="../../app/gui/dialogs.py" line="195"/>
        <source>Find and Replace</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs.py" line="201"/>
        <source>Column</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs.py" line="203"/>
        <source>Find</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs.py" line="205"/>
        <source>Replace with</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs.py" line="206"/>
        <source>Whole cell only</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs.py" line="207"/>
        <source>Match case</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs.py" line="210"/>
        <source>In column:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs.py" line="211"/>
        <source>Find:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs.py" line="212"/>
        <source>Replace with:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs.py" line="216"/>
        <source>Replace All</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>GridView</name>
    <message>
        <location filename="../../app/gui/main_window.py" line="98"/>
        <source>Rows of the batch</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="101"/>
        <source>Cells with a problem are tinted red (error) or amber (warning); hover for the reason and fix.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../app/gui/main_window.py" line="124"/>
        <source>LabSync</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="124"/>
        <source> — demo workspace</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="140"/>
        <source>The change was not saved</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="154"/>
        <source>Batch</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="158"/>
        <source>Search rows…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="160"/>
        <source>Search rows</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="164"/>
        <source>Rows with problems only</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="165"/>
        <source>Show only rows with problems</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="168"/>
        <source>Batch summary</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="170"/>
        <source>Batch:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="192"/>
        <source>Rows</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="193"/>
        <source>Quarantine</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="194"/>
        <source>Outbox</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="195"/>
        <source>Audit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="196"/>
        <source>Dashboard</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="203"/>
        <source>Problems</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="214"/>
        <source>Import progress</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="217"/>
        <source>Cancel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="218"/>
        <source>Cancel import</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="223"/>
        <source>Sync status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="225"/>
        <source>Records waiting to be sent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="279"/>
        <source>&amp;Open…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="282"/>
        <source>Open a spreadsheet (xlsx, xlsm, csv, tsv, txt)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="285"/>
        <source>&amp;Export Corrected File…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="287"/>
        <source>Save the batch as xlsx (problems highlighted) or csv</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="289"/>
        <source>&amp;Remediation Report per PI…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="290"/>
        <source>&amp;Quit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="291"/>
        <source>&amp;Undo</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="293"/>
        <source>&amp;Redo</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="295"/>
        <source>&amp;Find and Replace…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="297"/>
        <source>&amp;Search</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="299"/>
        <source>Fill &amp;Down</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="302"/>
        <source>Copy the top selected cell into the cells below it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="304"/>
        <source>&amp;Next Problem</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="306"/>
        <source>&amp;Submit…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="309"/>
        <source>Put the valid rows into the outbox for the portal</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="311"/>
        <source>S&amp;ync Now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="312"/>
        <source>&amp;Retry Rejected</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="313"/>
        <source>&amp;Settings…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="314"/>
        <source>PI &amp;Attestation…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="315"/>
        <source>&amp;About LabSync</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="320"/>
        <source>&amp;File</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="322"/>
        <source>Open &amp;Recent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="329"/>
        <source>&amp;Edit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="340"/>
        <source>&amp;Batch</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="343"/>
        <source>&amp;View</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="350"/>
        <source>&amp;Tools</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="352"/>
        <source>&amp;Help</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="356"/>
        <source>Main</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="405"/>
        <source>Open a spreadsheet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="407"/>
        <source>Spreadsheets ({0});;All files (*)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="417"/>
        <source>Wait for the current import to finish, or cancel it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="420"/>
        <source>Reading {0}…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="444"/>
        <source>Choose a sheet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="445"/>
        <source>{0} has several sheets. Which one holds the records?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="466"/>
        <source>Import cancelled.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="497"/>
        <source>Cannot open {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="506"/>
        <source>Importing {0}…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="547"/>
        <source>{0}: showing the first rows while the whole file is checked (read-only until the import finishes)…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="558"/>
        <source>Cancelling the import…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="567"/>
        <source>{0} rows</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="586"/>
        <source>Imported {0} rows in {1} s: {2} valid, {3} with errors.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="604"/>
        <source>Import cancelled; nothing was stored.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="606"/>
        <source>The file could not be imported</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="670"/>
        <source>Open a spreadsheet to begin: File ▸ Open (Ctrl+O), or drop it here.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="681"/>
        <source>{0} · {1}: {2} rows, {3} valid, {4} with errors</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="696"/>
        <source>{0} rows need fixing. Click a problem to go to the next cell that has it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="700"/>
        <source>No errors left in this batch. Ready to submit.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="711"/>
        <source>{0} pending</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="713"/>
        <source>, {0} rejected</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="790"/>
        <source>No cell with {0} in the rows shown.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="790"/>
        <source>problems</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="805"/>
        <source>Use suggestion “{0}”</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="819"/>
        <source>Select a cell and the cells below it to fill down.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="832"/>
        <source>Fill down</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="863"/>
        <source>Replace in {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="864"/>
        <source>Replaced in {0} cells.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="880"/>
        <source>Nothing submitted: fix the remaining rows first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="887"/>
        <source>Submit failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="896"/>
        <source>{0} rows queued for the portal ({1} already sent), {2} held in quarantine.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="919"/>
        <source>{0} entries will be sent again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="924"/>
        <source>Retry failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="928"/>
        <source>Online</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="929"/>
        <source>Portal: not synced yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="930"/>
        <source>Offline</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="931"/>
        <source>Syncing…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="932"/>
        <source>No portal configured</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="933"/>
        <source>Sign-in needed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="934"/>
        <source>Sync paused (portal failing)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="969"/>
        <source>Export corrected file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="969"/>
        <source>Excel workbook (*.xlsx);;CSV (*.csv)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="981"/>
        <source>Saved {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="982"/>
        <source>Export failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="989"/>
        <source>Folder for the remediation reports</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="1008"/>
        <source>Wrote {0} remediation reports to {1}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="1015"/>
        <source>Settings are unavailable</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="1019"/>
        <source>Portal URL</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="1020"/>
        <source>OAuth client id</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="1021"/>
        <source>CA bundle</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="1022"/>
        <source>Client certificate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="1023"/>
        <source>Client key</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="1024"/>
        <source>Batch size</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="1025"/>
        <source>Policy pack file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="1056"/>
        <source>Policy pack version in use: {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="1063"/>
        <source>Setting not saved</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="1094"/>
        <source>Attestation signed and saved as batch #{0}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="1102"/>
        <source>The attestation was not saved</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="1110"/>
        <source>About LabSync</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="1112"/>
        <source>&lt;b&gt;LabSync {0}&lt;/b&gt;&lt;br/&gt;Validate, fix and sync lab compliance spreadsheets.&lt;br/&gt;Workspace: {1}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>MappingDialog</name>
    <message>
        <location filename="../../app/gui/dialogs.py" line="62"/>
        <source>Match the columns</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs.py" line="63"/>
        <source>Column mapping</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs.py" line="71"/>
        <source>LabSync could not match every column of this file to the data dictionary. Check the suggested matches below; a column left as “(not imported)” is ignored.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs.py" line="85"/>
        <source>Record type</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs.py" line="92"/>
        <source>Column in the file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs.py" line="92"/>
        <source>Field</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs.py" line="92"/>
        <source>Example</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs.py" line="96"/>
        <source>Columns and the fields they map to</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs.py" line="100"/>
        <source>Field for column {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs.py" line="112"/>
        <source>Preview of the first rows</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs.py" line="118"/>
        <source>Remember for this template (files with the same columns)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs.py" line="126"/>
        <source>Import</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs.py" line="131"/>
        <source>Record type:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs.py" line="137"/>
        <source>Preview</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs.py" line="157"/>
        <source>(not imported)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs.py" line="172"/>
        <source>Required fields without a column: {0}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>OutboxView</name>
    <message>
        <location filename="../../app/gui/views.py" line="195"/>
        <source>State</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/views.py" line="199"/>
        <source>Batch</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/views.py" line="200"/>
        <source>Row</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/views.py" line="201"/>
        <source>Record</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/views.py" line="202"/>
        <source>Class</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/views.py" line="203"/>
        <source>Attempts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/views.py" line="204"/>
        <source>Next attempt</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/views.py" line="206"/>
        <source>Idempotency key</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/views.py" line="211"/>
        <source>Portal said</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/views.py" line="220"/>
        <source>All states</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/views.py" line="223"/>
        <source>Show outbox entries in state</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/views.py" line="226"/>
        <source>Retry Selected Now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/views.py" line="227"/>
        <source>Retry All Rejected</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/views.py" line="228"/>
        <source>Sync Now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/views.py" line="233"/>
        <source>Show:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/views.py" line="239"/>
        <source>Outbox entries</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>QuarantineView</name>
    <message>
        <location filename="../../app/gui/views.py" line="134"/>
        <source>Row</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/views.py" line="135"/>
        <source>Record</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/views.py" line="137"/>
        <source>Problems</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/views.py" line="142"/>
        <source>What to fix</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/views.py" line="151"/>
        <source>Quarantined rows</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/views.py" line="152"/>
        <source>Double-click a row to fix it in the grid.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/views.py" line="170"/>
        <source> (first 5,000 shown)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/views.py" line="172"/>
        <source>{0} rows are held back until they are fixed. Double-click one to fix it.{1}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/views.py" line="176"/>
        <source>Nothing is in quarantine.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>RowGridModel</name>
    <message>
        <location filename="../../app/gui/grid_model.py" line="61"/>
        <source>Error</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/grid_model.py" line="63"/>
        <source>Warning</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/grid_model.py" line="67"/>
        <source>How to fix:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/grid_model.py" line="290"/>
        <source>Column “{0}” of the file, field {1}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/grid_model.py" line="291"/>
        <source>Field {0} (not in the file)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <location filename="../../app/gui/dialogs.py" line="318"/>
        <source>Settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs.py" line="339"/>
        <source>Browse…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs.py" line="349"/>
        <source>Set by {0}; ask IT to change it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs.py" line="350"/>
        <source>Read-only, set by {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs.py" line="354"/>
        <source>Portal account</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs.py" line="357"/>
        <source>Signed in as {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs.py" line="357"/>
        <source>Not signed in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs.py" line="361"/>
        <source>Sign In…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs.py" line="362"/>
        <source>Sign Out</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs.py" line="384"/>
        <source> (set by {0})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs.py" line="388"/>
        <source>Choose a file</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SubmitDialog</name>
    <message>
        <location filename="../../app/gui/dialogs.py" line="253"/>
        <source>Submit to the portal</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs.py" line="256"/>
        <source>All {0} rows are valid. Submit them to the portal?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs.py" line="261"/>
        <source>Submit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs.py" line="267"/>
        <source>{0} rows are valid and {1} still have errors. Rows with errors stay in Quarantine until they are fixed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs.py" line="276"/>
        <source>Submit valid rows now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs.py" line="281"/>
        <source>The institution&apos;s policy requires every row to be valid first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs.py" line="286"/>
        <source>Wait until all are valid</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SyncController</name>
    <message>
        <location filename="../../app/gui/sync_controller.py" line="74"/>
        <source>Set the portal URL in Settings.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/sync_controller.py" line="91"/>
        <source>Not synced yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/sync_controller.py" line="132"/>
        <source>{0} of {1} sent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/sync_controller.py" line="143"/>
        <source>Sync stopped</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/sync_controller.py" line="144"/>
        <source>The portal keeps failing; LabSync will try again by itself. {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/sync_controller.py" line="155"/>
        <source>Everything is sent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/sync_controller.py" line="164"/>
        <source>The portal rejected records</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/sync_controller.py" line="165"/>
        <source>{0} records were refused; they are back in Quarantine with the portal&apos;s reasons.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/sync_controller.py" line="183"/>
        <source>Sign-in needed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/sync_controller.py" line="184"/>
        <source>Sync stopped: {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/sync_controller.py" line="216"/>
        <source>Signed out</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ViolationSummaryModel</name>
    <message>
        <location filename="../../app/gui/violations_panel.py" line="67"/>
        <source>Error</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/violations_panel.py" line="67"/>
        <source>Warning</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/violations_panel.py" line="73"/>
        <source>file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/violations_panel.py" line="97"/>
        <source>Problem</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/violations_panel.py" line="97"/>
        <source>Code</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/violations_panel.py" line="97"/>
        <source>Count</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ViolationsPanel</name>
    <message>
        <location filename="../../app/gui/violations_panel.py" line="123"/>
        <source>Violations by code</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/violations_panel.py" line="126"/>
        <source>Each line is one kind of problem with the number of rows it affects. Press Enter or double-click to go to the next cell with that problem.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>codes</name>
    <message>
        <location filename="../../app/gui/codes.py" line="19"/>
        <source>A required column is missing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/codes.py" line="20"/>
        <source>A required value is empty</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/codes.py" line="21"/>
        <source>Not a number, date or yes/no</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/codes.py" line="22"/>
        <source>Not one of the allowed values</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/codes.py" line="23"/>
        <source>Number outside the allowed range</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/codes.py" line="24"/>
        <source>The record key repeats</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/codes.py" line="25"/>
        <source>Excel error value in the cell</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/codes.py" line="26"/>
        <source>Date in the future</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/codes.py" line="27"/>
        <source>Row was hidden in Excel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/codes.py" line="28"/>
        <source>Value came from a merged cell</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/codes.py" line="29"/>
        <source>CAS number malformed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/codes.py" line="30"/>
        <source>CAS number check digit wrong</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/codes.py" line="31"/>
        <source>Not a GHS hazard statement</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/codes.py" line="32"/>
        <source>Hazardous, but no safety data sheet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/codes.py" line="33"/>
        <source>Container past its expiration date</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/codes.py" line="34"/>
        <source>Equipment without useful life and method</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/codes.py" line="35"/>
        <source>EPA ID number invalid</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/codes.py" line="36"/>
        <source>Manifest tracking number invalid</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/codes.py" line="37"/>
        <source>Unknown RCRA waste code</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/codes.py" line="38"/>
        <source>Manifest quantity not a whole number</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/codes.py" line="39"/>
        <source>Waste stored longer than allowed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/codes.py" line="40"/>
        <source>Voluntary committed cost share on NSF award</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/codes.py" line="43"/>
        <source>Cost share above the required percentage</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/codes.py" line="44"/>
        <source>Attestation not signed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/codes.py" line="45"/>
        <source>Period ends before it starts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/codes.py" line="46"/>
        <source>Certified before the period ended</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/codes.py" line="47"/>
        <source>Salary above the NIH cap</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/codes.py" line="48"/>
        <source>Award not known to the portal</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/codes.py" line="49"/>
        <source>Building/room not known to the portal</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>errors</name>
    <message>
        <location filename="../../app/gui/errors.py" line="23"/>
        <source>The workspace could not be unlocked: the passphrase or key is wrong.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/errors.py" line="29"/>
        <source>The portal could not be reached or refused the request: {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/errors.py" line="35"/>
        <source>LabSync is not allowed to open {0}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/errors.py" line="36"/>
        <source>the file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/errors.py" line="39"/>
        <source>{0} does not exist (any more).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/errors.py" line="40"/>
        <source>The file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/errors.py" line="43"/>
        <source>The operating system refused: {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/errors.py" line="46"/>
        <source>Something went wrong inside LabSync ({0}). Your work is saved.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/errors.py" line="123"/>
        <source>Report saved to {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/errors.py" line="129"/>
        <source>LabSync ran into a problem</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/errors.py" line="131"/>
        <source>LabSync hit an unexpected error ({0}). Your work up to the last change is saved in the workspace. Please send the report below to your IT support.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/errors.py" line="138"/>
        <source>Crash report</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>launch</name>
    <message>
        <location filename="../../app/gui/launch.py" line="73"/>
        <source>Unlock the workspace</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/launch.py" line="74"/>
        <source>Passphrase of your LabSync workspace:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/launch.py" line="120"/>
        <source>LabSync cannot start</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
