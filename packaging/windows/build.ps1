# Build the Windows bundle and installer (run from the repository root, in PowerShell, on Windows 10/11 x64):
#   py -3.11 -m venv .venv ; .venv\Scripts\python -m pip install -e ".[portal,packaging]"
#   powershell -ExecutionPolicy Bypass -File packaging\windows\build.ps1
# Needs Inno Setup 6 (winget install JRSoftware.InnoSetup). Produces dist\labsync\ and dist\LabSync-<version>-setup.exe.
# Cannot run on Linux or macOS: PyInstaller only builds for the OS it runs on, and Inno Setup is Windows-only.
$ErrorActionPreference = "Stop"
Set-Location (Join-Path $PSScriptRoot "..\..")
$version = & .venv\Scripts\python -c "import tomllib; print(tomllib.load(open('pyproject.toml','rb'))['project']['version'])"
& .venv\Scripts\pyinstaller --noconfirm --clean --distpath dist --workpath build packaging\labsync.spec
if ($LASTEXITCODE -ne 0) { throw "pyinstaller failed" }
# Smoke-test the bundle before wrapping it (the same checks the Linux CI runs).
& dist\labsync\labsync.exe --version
if ($LASTEXITCODE -ne 0) { throw "the frozen labsync.exe does not start" }
$iscc = "${env:ProgramFiles(x86)}\Inno Setup 6\ISCC.exe"
if (-not (Test-Path $iscc)) { $iscc = "ISCC.exe" }
& $iscc "/DAppVersion=$version" packaging\windows\labsync.iss
if ($LASTEXITCODE -ne 0) { throw "iscc failed" }
Write-Host "built dist\LabSync-$version-setup.exe"
