; Inno Setup 6 script: a Windows installer for the Sety Console one-dir bundle.
;
; NOT BUILT HERE. It needs a Windows machine: build the bundle there first (PyInstaller cannot
; cross-compile), then compile this script with Inno Setup 6:
;
;   py -3.11 -m venv .venv && .venv\Scripts\pip install -e .[packaging]
;   .venv\Scripts\python -m PyInstaller --noconfirm --distpath dist --workpath build\pyinstaller packaging\sety-console.spec
;   "C:\Program Files (x86)\Inno Setup 6\ISCC.exe" /DAppVersion=0.1.0 packaging\windows\sety-console.iss
;
; The result is dist\installer\sety-console-<version>-setup.exe. Sign both sety-console.exe and the
; setup with signtool (SignTool= directive or a post-step) before shipping; an unsigned installer
; triggers SmartScreen warnings on control-room workstations.

#define AppName "Sety Console"
#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#define AppExe "sety-console.exe"
#define BundleDir "..\..\dist\sety-console"

[Setup]
; Never change AppId: Windows uses it to recognise upgrades and the uninstaller.
AppId={{F3DEE2B8-DE3D-48AF-ABE6-E9033BDC11B6}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=The Sety Console developers
AppPublisherURL=https://sety.io
DefaultDirName={autopf}\Sety Console
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
OutputDir=..\..\dist\installer
OutputBaseFilename=sety-console-{#AppVersion}-setup
SetupIconFile=sety-console.ico
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
; PySide6 wheels are 64-bit only; QtWebEngine needs Windows 10 or later.
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
; Installs for all users by default; the dialog lets a user without admin rights install for themselves.
PrivilegesRequired=admin
PrivilegesRequiredOverridesAllowed=dialog
; Closes a running console before files are replaced on upgrade.
CloseApplications=yes

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
; The whole one-dir bundle: sety-console.exe and _internal\ (Python, Qt, QtWebEngineProcess.exe, resources).
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[InstallDelete]
; A previous version's _internal\ may hold libraries the new one no longer ships: remove it before copying.
Type: filesandordirs; Name: "{app}\_internal"

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"; AppUserModelID: "io.sety.Console"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon; AppUserModelID: "io.sety.Console"

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

; Settings, logs, the outbox and the sandbox database live in the user's profile (%APPDATA%, %LOCALAPPDATA%)
; and are deliberately left in place on uninstall: pending outbox actions must never be lost.
