; Inno Setup 6 script for LabSync: a per-machine installer that software-distribution tools (SCCM/MECM,
; Intune Win32 apps, PDQ, GPO startup scripts) can run silently.
;
; Build (on Windows, after `pyinstaller ... packaging\labsync.spec` produced dist\labsync\; see build.ps1):
;   iscc /DAppVersion=0.1.0 packaging\windows\labsync.iss       -> dist\LabSync-0.1.0-setup.exe
;
; Silent install, with IT's site configuration (a site.toml, or a folder holding site.toml and the CA bundle):
;   LabSync-0.1.0-setup.exe /VERYSILENT /SUPPRESSMSGBOXES /NORESTART /SP- /LOG="%TEMP%\labsync-setup.log"
;                           /SITECONFIG="\\fileserver\it\labsync\site.toml"
;   LabSync-0.1.0-setup.exe /VERYSILENT /SUPPRESSMSGBOXES /NORESTART /SITEDIR="\\fileserver\it\labsync"
;   (add /TASKS="!addtopath" to leave PATH alone)
; Silent uninstall:
;   "C:\Program Files\LabSync\unins000.exe" /VERYSILENT /SUPPRESSMSGBOXES /NORESTART
; Exit codes: 0 success; see https://jrsoftware.org/ishelp/index.php?topic=setupexitcodes for the others.
;
; The site configuration goes to LabSync's platformdirs site config directory, C:\ProgramData\LabSync\LabSync
; (`labsync config paths` prints it), readable by every user and writable by administrators only.
; Users' own data (%LOCALAPPDATA%\LabSync\LabSync: workspace, config.toml, Logs) is never touched by
; install, upgrade or uninstall.

#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif
#define AppName "LabSync"
#define DistDir "..\..\dist\labsync"
#define SiteDir "{commonappdata}\LabSync\LabSync"

[Setup]
; Never change AppId: upgrades find the installed copy through it.
AppId={{6F1C4B7E-2D5A-4E8B-9C31-7A0E5D2B9F44}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=LabSync
VersionInfoVersion={#AppVersion}
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
DisableDirPage=auto
; Per-machine only: needs administrator rights, installs for every user.
PrivilegesRequired=admin
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir=..\..\dist
OutputBaseFilename={#AppName}-{#AppVersion}-setup
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
SetupLogging=yes
CloseApplications=force
RestartApplications=no
ChangesEnvironment=yes
UninstallDisplayIcon={app}\LabSync.exe
UninstallDisplayName={#AppName} {#AppVersion}
; Sign the installer and uninstaller when a signtool is configured in the IDE or with
;   iscc "/Ssigntool=signtool sign /fd sha256 /tr http://timestamp.digicert.com /td sha256 /a $f" ...
; SignTool=signtool

[Tasks]
Name: "addtopath"; Description: "Add the labsync command to the system PATH"; GroupDescription: "Command line:"

[Dirs]
Name: "{#SiteDir}"; Permissions: users-readexec admins-full system-full

[Files]
Source: "{#DistDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs
; IT's site configuration, from the command line (external: read at install time, not compiled in).
Source: "{param:SITECONFIG}"; DestDir: "{#SiteDir}"; DestName: "site.toml"; \
  Flags: external ignoreversion skipifsourcedoesntexist; Check: HasParam('SITECONFIG')
Source: "{param:SITEDIR}\*"; DestDir: "{#SiteDir}"; \
  Flags: external ignoreversion recursesubdirs skipifsourcedoesntexist; Check: HasParam('SITEDIR')

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\LabSync.exe"; WorkingDir: "{userdocs}"; \
  Comment: "Validate, fix and sync lab compliance spreadsheets"
Name: "{autoprograms}\{#AppName} (demo)"; Filename: "{app}\LabSync.exe"; Parameters: "--demo"; \
  WorkingDir: "{userdocs}"; Comment: "LabSync on a throwaway demo workspace"

[Registry]
Root: HKLM; Subkey: "SYSTEM\CurrentControlSet\Control\Session Manager\Environment"; ValueType: expandsz; \
  ValueName: "Path"; ValueData: "{olddata};{app}"; Tasks: addtopath; Check: NeedsAddPath(ExpandConstant('{app}'))

[Run]
; Interactive installs only: never start the app from a silent (unattended) install.
Filename: "{app}\LabSync.exe"; Description: "Start LabSync"; Flags: nowait postinstall skipifsilent

[UninstallDelete]
; Only what the installer put there; per-user data under %LOCALAPPDATA% is kept.
Type: filesandordirs; Name: "{app}\_internal"

[Code]
function HasParam(Name: String): Boolean;
begin
  Result := ExpandConstant('{param:' + Name + '|}') <> '';
end;

function NeedsAddPath(Dir: String): Boolean;
var
  Path: String;
begin
  if not RegQueryStringValue(HKLM, 'SYSTEM\CurrentControlSet\Control\Session Manager\Environment', 'Path', Path) then
  begin
    Result := True;
    exit;
  end;
  Result := Pos(';' + Uppercase(Dir) + ';', ';' + Uppercase(Path) + ';') = 0;
end;

procedure RemoveFromPath(Dir: String);
var
  Path: String;
  P: Integer;
begin
  if not RegQueryStringValue(HKLM, 'SYSTEM\CurrentControlSet\Control\Session Manager\Environment', 'Path', Path) then
    exit;
  P := Pos(';' + Uppercase(Dir), Uppercase(Path));
  if P > 0 then
  begin
    Delete(Path, P, Length(Dir) + 1);
    RegWriteExpandStringValue(HKLM, 'SYSTEM\CurrentControlSet\Control\Session Manager\Environment', 'Path', Path);
  end;
end;

function InitializeSetup(): Boolean;
begin
  Result := True;
  if HasParam('SITECONFIG') and not FileExists(ExpandConstant('{param:SITECONFIG}')) then
  begin
    Log('SITECONFIG not found: ' + ExpandConstant('{param:SITECONFIG}'));
    SuppressibleMsgBox('The site configuration file was not found:' + #13#10 + ExpandConstant('{param:SITECONFIG}'),
      mbCriticalError, MB_OK, IDOK);
    Result := False;  { fail the deployment loudly rather than install an unconfigured client }
  end;
end;

procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
begin
  if CurUninstallStep = usPostUninstall then
    RemoveFromPath(ExpandConstant('{app}'));
end;
