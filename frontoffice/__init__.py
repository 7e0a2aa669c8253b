"""The front office (前台): the pages a case is filed and followed on — the applicant's online (/cases/) and the hall
window's (一窗受理, /window/). They compose the layers below them: the case (cases), the departments' tasks
(approvals), the results and their delivery (results), so they sit above all three (.importlinter). The templates
stay with the case (cases/templates/cases/), the forms and actions they call too."""
