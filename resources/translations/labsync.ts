<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1">
<context>
    <name>AttestationDialog</name>
    <message>
        <location filename="../../app/gui/dialogs.py" line="475"/>
        <source>PI Attestation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs.py" line="479"/>
        <source>Attestation type</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs.py" line="485"/>
        <source>Award number</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs.py" line="490"/>
        <source>Period start</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs.py" line="490"/>
        <source>Period end</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs.py" line="496"/>
        <source>Statement</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs.py" line="500"/>
        <source>I attest that the statement above is true</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs.py" line="531"/>
        <source>Signing as {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs.py" line="506"/>
        <source>Type:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs.py" line="449"/>
        <source>{0} (portal identity)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs.py" line="450"/>
        <source>{0} (computer user: not signed in to the portal)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs.py" line="481"/>
        <source>PI name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs.py" line="483"/>
        <source>PI e-mail</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs.py" line="486"/>
        <source>e.g. R01GM123456</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs.py" line="503"/>
        <source>Signing identity</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs.py" line="507"/>
        <source>PI name:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs.py" line="508"/>
        <source>PI e-mail:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs.py" line="509"/>
        <source>Award:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs.py" line="510"/>
        <source>Period start:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs.py" line="511"/>
        <source>Period end:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs.py" line="512"/>
        <source>Statement (version {0}):</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs.py" line="514"/>
        <source>Sign</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs.py" line="537"/>
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
        <location filename="../../app/gui/views.py" line="288"/>
        <source>Action</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/views.py" line="292"/>
        <source>What</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/views.py" line="294"/>
        <source>Before</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/views.py" line="296"/>
        <source>After</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/views.py" line="301"/>
        <source>Filter by batch</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/views.py" line="303"/>
        <source>Record or row…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/views.py" line="304"/>
        <source>Filter by record</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/views.py" line="306"/>
        <source>Filter by action</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/views.py" line="307"/>
        <source>All actions</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/views.py" line="309"/>
        <source>Import</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/views.py" line="310"/>
        <source>Edit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/views.py" line="311"/>
        <source>Undo</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/views.py" line="312"/>
        <source>Submit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/views.py" line="313"/>
        <source>Send</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/views.py" line="314"/>
        <source>Accepted by the portal</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/views.py" line="315"/>
        <source>Rejected by the portal</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/views.py" line="316"/>
        <source>Retry</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/views.py" line="317"/>
        <source>Export</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/views.py" line="318"/>
        <source>Key change</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/views.py" line="322"/>
        <source>Workspace created</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/views.py" line="323"/>
        <source>Workspace upgraded</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/views.py" line="324"/>
        <source>Attestation signed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/views.py" line="328"/>
        <source>Verify Integrity</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/views.py" line="330"/>
        <source>Checks that no audit entry was changed, removed or reordered</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/views.py" line="332"/>
        <source>Export…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/views.py" line="336"/>
        <source>Verification result</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/views.py" line="343"/>
        <source>Batch:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/views.py" line="346"/>
        <source>Action:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/views.py" line="351"/>
        <source>Audit log entries</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/views.py" line="362"/>
        <source>All batches</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/views.py" line="384"/>
        <source>Verifying…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/views.py" line="397"/>
        <source>The audit log is intact: all {0} entries check out; none was changed, removed, inserted or reordered.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/views.py" line="404"/>
        <source>The audit log has been tampered with: entry {0} does not check out. {1}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/views.py" line="413"/>
        <source>Verification could not run: {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/views.py" line="417"/>
        <source>Export audit log</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/views.py" line="417"/>
        <source>CSV (*.csv);;JSON Lines (*.jsonl)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/views.py" line="430"/>
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
        <location filename="../../app/gui/views.py" line="482"/>
        <source>Open problems by code</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/views.py" line="483"/>
        <source>Outbox by state</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/views.py" line="484"/>
        <source>Valid rows and rows with errors, batch by batch</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/views.py" line="527"/>
        <source>{0} problems of {1} kinds in the current batch · {2} records waiting to be sent · {3} accepted by the portal</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/views.py" line="544"/>
        <source>Errors</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/views.py" line="545"/>
        <source>Warnings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/views.py" line="557"/>
        <source>no problems</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/views.py" line="583"/>
        <source>Outbox empty</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/views.py" line="599"/>
        <source>Rows with errors</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/views.py" line="601"/>
        <source>Valid rows</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>EditController</name>
    <message>
        <location filename="../../app/gui/editing.py" line="127"/>
        <source>{0} edit</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>FindReplaceDialog</name>
    <message>
        <location filename="../../app/gui/dialogs.py" line="202"/>
        <source>Find and Replace</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs.py" line="208"/>
        <source>Column</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs.py" line="210"/>
        <source>Find</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs.py" line="212"/>
        <source>Replace with</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs.py" line="213"/>
        <source>Whole cell only</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs.py" line="214"/>
        <source>Match case</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs.py" line="217"/>
        <source>In column:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs.py" line="218"/>
        <source>Find:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs.py" line="219"/>
        <source>Replace with:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs.py" line="223"/>
        <source>Replace All</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>GridView</name>
    <message>
        <location filename="../../app/gui/main_window.py" line="125"/>
        <source>Rows of the batch</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="128"/>
        <source>Cells with a problem are tinted red (error) or amber (warning); hover for the reason and fix.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../app/gui/main_window.py" line="151"/>
        <source>LabSync</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="151"/>
        <source> — demo workspace</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="169"/>
        <source>The change was not saved</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="184"/>
        <source>Batch</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="189"/>
        <source>Search rows…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="191"/>
        <source>Search rows</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="195"/>
        <source>Rows with errors only</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="196"/>
        <source>Show only rows with errors</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="199"/>
        <source>Batch summary</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="201"/>
        <source>Batch:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="223"/>
        <source>Rows</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="224"/>
        <source>Quarantine</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="225"/>
        <source>Outbox</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="226"/>
        <source>Audit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="227"/>
        <source>Dashboard</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="237"/>
        <source>Problems</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="248"/>
        <source>Import progress</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="251"/>
        <source>Cancel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="252"/>
        <source>Cancel import</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="257"/>
        <source>Sync status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="259"/>
        <source>Records waiting to be sent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="316"/>
        <source>&amp;Open…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="319"/>
        <source>Open a spreadsheet (xlsx, xlsm, csv, tsv, txt)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="322"/>
        <source>&amp;Export Corrected File…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="324"/>
        <source>Save the batch as xlsx (problems highlighted) or csv</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="326"/>
        <source>&amp;Remediation Report per PI…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="327"/>
        <source>&amp;Quit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="328"/>
        <source>&amp;Undo</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="330"/>
        <source>&amp;Redo</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="332"/>
        <source>&amp;Find and Replace…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="334"/>
        <source>&amp;Search</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="336"/>
        <source>Fill &amp;Down</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="339"/>
        <source>Copy the top selected cell into the cells below it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="341"/>
        <source>&amp;Next Problem</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="343"/>
        <source>&amp;Submit…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="346"/>
        <source>Put the valid rows into the outbox for the portal</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="348"/>
        <source>S&amp;ync Now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="349"/>
        <source>&amp;Retry Rejected</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="350"/>
        <source>&amp;Settings…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="351"/>
        <source>PI &amp;Attestation…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="352"/>
        <source>&amp;About LabSync</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="357"/>
        <source>&amp;File</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="359"/>
        <source>Open &amp;Recent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="366"/>
        <source>&amp;Edit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="378"/>
        <source>&amp;Batch</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="381"/>
        <source>&amp;View</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="386"/>
        <source>&amp;Tools</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="388"/>
        <source>&amp;Help</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="392"/>
        <source>Main</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="442"/>
        <source>Open a spreadsheet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="444"/>
        <source>Spreadsheets ({0});;All files (*)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="454"/>
        <source>Wait for the current import to finish, or cancel it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="457"/>
        <source>Reading {0}…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="481"/>
        <source>Choose a sheet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="482"/>
        <source>{0} has several sheets. Which one holds the records?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="503"/>
        <source>Import cancelled.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="534"/>
        <source>Cannot open {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="543"/>
        <source>Importing {0}…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="584"/>
        <source>{0}: showing the first rows while the whole file is checked (read-only until the import finishes)…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="595"/>
        <source>Cancelling the import…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="604"/>
        <location filename="../../app/gui/main_window.py" line="1428"/>
        <source>{0} rows</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="623"/>
        <source>Imported {0} rows in {1} s: {2} valid, {3} with errors.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="641"/>
        <source>Import cancelled; nothing was stored.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="643"/>
        <source>The file could not be imported</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="738"/>
        <source>Row {0} · {1}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="758"/>
        <source>Open a spreadsheet to begin: File ▸ Open (Ctrl+O), or drop it here.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="769"/>
        <source>{0} · {1}: {2} rows, {3} valid, {4} with errors</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="784"/>
        <source>1 row needs fixing. Click a problem to go to the cell that has it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="787"/>
        <source>{0} rows need fixing. Click a problem to go to the next cell that has it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="790"/>
        <source>No errors left in this batch. Ready to submit.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="801"/>
        <source>{0} pending</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="803"/>
        <source>, {0} rejected</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="861"/>
        <source>Loading rows…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="872"/>
        <source>Cannot show the rows</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="942"/>
        <location filename="../../app/gui/main_window.py" line="1007"/>
        <source>No cell with {0} in this batch.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="942"/>
        <location filename="../../app/gui/main_window.py" line="1039"/>
        <source>problems</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="957"/>
        <location filename="../../app/gui/main_window.py" line="1015"/>
        <source>Looking for the next {0}…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="1015"/>
        <source>problem</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="1039"/>
        <source>No cell with {0} in the rows shown.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="1062"/>
        <source>Use suggestion “{0}”</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="1076"/>
        <source>Select a cell and the cells below it to fill down.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="1089"/>
        <source>Fill down</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="1120"/>
        <source>Replace in {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="1121"/>
        <source>Replaced in {0} cells.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="1137"/>
        <source>Nothing submitted: fix the remaining rows first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="1144"/>
        <source>Submit failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="1153"/>
        <source>{0} rows queued for the portal ({1} already sent), {2} held in quarantine.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="1176"/>
        <source>{0} entries will be sent again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="1181"/>
        <source>Retry failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="1185"/>
        <source>Online</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="1186"/>
        <source>Portal: not synced yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="1187"/>
        <source>Offline</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="1188"/>
        <source>Syncing…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="1189"/>
        <source>No portal configured</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="1190"/>
        <source>Sign-in needed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="1191"/>
        <source>Sync paused (portal failing)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="1210"/>
        <source>1 record accepted by the portal.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="1212"/>
        <source>{0} records accepted by the portal.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="1234"/>
        <source>Export corrected file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="1234"/>
        <source>Excel workbook (*.xlsx);;CSV (*.csv)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="1246"/>
        <source>Saved {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="1247"/>
        <source>Export failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="1254"/>
        <source>Folder for the remediation reports</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="1273"/>
        <source>Wrote {0} remediation reports to {1}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="1280"/>
        <source>Settings are unavailable</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="1285"/>
        <source>The settings cannot be read</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="1288"/>
        <source>Portal URL</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="1289"/>
        <source>OAuth client id</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="1290"/>
        <source>CA bundle</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="1291"/>
        <source>Client certificate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="1292"/>
        <source>Client key</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="1293"/>
        <source>Batch size</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="1294"/>
        <source>Policy pack file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="1321"/>
        <source>Policy pack version in use: {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="1328"/>
        <source>Setting not saved</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="1380"/>
        <source>Attestation signed and saved as batch #{0}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="1388"/>
        <source>The attestation was not saved</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="1396"/>
        <source>About LabSync</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="1398"/>
        <source>&lt;b&gt;LabSync {0}&lt;/b&gt;&lt;br/&gt;Validate, fix and sync lab compliance spreadsheets.&lt;br/&gt;Workspace: {1}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="1426"/>
        <source>1 row</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>MappingDialog</name>
    <message>
        <location filename="../../app/gui/dialogs.py" line="63"/>
        <source>Match the columns</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs.py" line="64"/>
        <source>Column mapping</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs.py" line="72"/>
        <source>LabSync could not match every column of this file to the data dictionary. Check the suggested matches below; a column left as “(not imported)” is ignored.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs.py" line="86"/>
        <source>Record type</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs.py" line="93"/>
        <source>Column in the file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs.py" line="93"/>
        <source>Field</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs.py" line="93"/>
        <source>Example</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs.py" line="97"/>
        <source>Columns and the fields they map to</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs.py" line="101"/>
        <source>Field for column {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs.py" line="113"/>
        <location filename="../../app/gui/dialogs.py" line="143"/>
        <source>Preview of the first rows</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs.py" line="124"/>
        <source>Remember for this template (files with the same columns)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs.py" line="132"/>
        <source>Import</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs.py" line="137"/>
        <source>Record type:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs.py" line="163"/>
        <source>(not imported)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs.py" line="179"/>
        <source>Required fields without a column: {0}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>OutboxView</name>
    <message>
        <location filename="../../app/gui/views.py" line="197"/>
        <source>State</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/views.py" line="201"/>
        <source>Batch</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/views.py" line="202"/>
        <source>Row</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/views.py" line="203"/>
        <source>Record</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/views.py" line="204"/>
        <source>Class</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/views.py" line="205"/>
        <source>Attempts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/views.py" line="206"/>
        <source>Next attempt</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/views.py" line="208"/>
        <source>Idempotency key</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/views.py" line="213"/>
        <source>Portal said</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/views.py" line="222"/>
        <source>All states</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/views.py" line="225"/>
        <source>Show outbox entries in state</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/views.py" line="228"/>
        <source>Retry Selected Now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/views.py" line="229"/>
        <source>Retry All Rejected</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/views.py" line="230"/>
        <source>Sync Now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/views.py" line="235"/>
        <source>Show:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/views.py" line="241"/>
        <source>Outbox entries</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>QuarantineView</name>
    <message>
        <location filename="../../app/gui/views.py" line="133"/>
        <source>Row</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/views.py" line="134"/>
        <source>Record</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/views.py" line="136"/>
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
        <source>1 row is held back until it is fixed. Double-click it to fix it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/views.py" line="175"/>
        <source>{0} rows are held back until they are fixed. Double-click one to fix it.{1}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/views.py" line="178"/>
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
        <location filename="../../app/gui/grid_model.py" line="319"/>
        <source>Column “{0}” of the file, field {1}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/grid_model.py" line="320"/>
        <source>Field {0} (not in the file)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <location filename="../../app/gui/dialogs.py" line="333"/>
        <source>Settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs.py" line="354"/>
        <source>Browse…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs.py" line="367"/>
        <source>Set by {0}; ask IT to change it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs.py" line="368"/>
        <source>Read-only, set by {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs.py" line="372"/>
        <source>Portal account</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs.py" line="375"/>
        <source>Signed in as {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs.py" line="375"/>
        <source>Not signed in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs.py" line="379"/>
        <source>Sign In…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs.py" line="380"/>
        <source>Sign Out</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs.py" line="402"/>
        <source> (set by {0})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs.py" line="406"/>
        <source>Choose a file</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SubmitDialog</name>
    <message>
        <location filename="../../app/gui/dialogs.py" line="260"/>
        <source>Submit to the portal</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs.py" line="262"/>
        <source>Rows the portal already has, unchanged since, are not sent again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs.py" line="268"/>
        <source>All {0} rows are valid. Submit them to the portal?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs.py" line="273"/>
        <source>Submit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs.py" line="279"/>
        <source>{0} rows are valid and {1} still have errors. Rows with errors stay in Quarantine until they are fixed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs.py" line="288"/>
        <source>Submit valid rows now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs.py" line="293"/>
        <source>The institution&apos;s policy requires every row to be valid first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs.py" line="300"/>
        <source>Wait until all are valid</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SyncController</name>
    <message>
        <location filename="../../app/gui/sync_controller.py" line="77"/>
        <source>Set the portal URL in Settings.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/sync_controller.py" line="94"/>
        <source>Not synced yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/sync_controller.py" line="135"/>
        <source>{0} of {1} sent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/sync_controller.py" line="145"/>
        <source>Sync stopped</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/sync_controller.py" line="146"/>
        <source>The portal keeps failing; LabSync will try again by itself. {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/sync_controller.py" line="157"/>
        <source>Everything is sent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/sync_controller.py" line="165"/>
        <source>The portal rejected records</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/sync_controller.py" line="166"/>
        <source>{0} records were refused; they are back in Quarantine with the portal&apos;s reasons.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/sync_controller.py" line="188"/>
        <source>Sign-in needed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/sync_controller.py" line="189"/>
        <source>Sync stopped: {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/sync_controller.py" line="263"/>
        <source>Signed in as {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/sync_controller.py" line="279"/>
        <source>Signed out</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ViolationSummaryModel</name>
    <message>
        <location filename="../../app/gui/violations_panel.py" line="75"/>
        <source>Error</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/violations_panel.py" line="75"/>
        <source>Warning</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/violations_panel.py" line="81"/>
        <source>file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/violations_panel.py" line="105"/>
        <source>Problem</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/violations_panel.py" line="105"/>
        <source>Code</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/violations_panel.py" line="105"/>
        <source>Count</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ViolationsPanel</name>
    <message>
        <location filename="../../app/gui/violations_panel.py" line="132"/>
        <source>Violations by code</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/violations_panel.py" line="135"/>
        <source>Each line is one kind of problem with the number of rows it affects. Press Enter or double-click to go to the next cell with that problem.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/violations_panel.py" line="142"/>
        <location filename="../../app/gui/violations_panel.py" line="167"/>
        <source>Selected cell</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/violations_panel.py" line="148"/>
        <source>Problems of the selected cell</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/violations_panel.py" line="150"/>
        <source>Select a cell to see what is wrong with it and how to fix it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/violations_panel.py" line="172"/>
        <source>No problem in this cell.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/violations_panel.py" line="174"/>
        <source>(empty)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/violations_panel.py" line="176"/>
        <source>Value: {0}</source>
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
        <location filename="../../app/gui/launch.py" line="75"/>
        <source>Unlock the workspace</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/launch.py" line="76"/>
        <source>Passphrase of your LabSync workspace:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/launch.py" line="78"/>
        <source>The same passphrase again, to be sure:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/launch.py" line="93"/>
        <source>Wrong passphrase</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/launch.py" line="129"/>
        <source>LabSync cannot start</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>states</name>
    <message>
        <location filename="../../app/gui/codes.py" line="76"/>
        <source>Pending</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/codes.py" line="77"/>
        <source>Sending</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/codes.py" line="78"/>
        <source>Accepted</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/codes.py" line="79"/>
        <source>Rejected</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/gui/codes.py" line="80"/>
        <source>Waiting to retry</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
