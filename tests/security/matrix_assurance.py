"""Matrix rows for assurance: supervisors, senior officers, auditors and professional standards see figures
(each at their own level); only senior officers and auditors export the inspection report."""
from tests.security.matrix import Case

VIEW = {"supervisor": 200, "senior_officer": 200, "auditor": 200, "professional_standards": 200,
        "allocation_manager": 200}  # the allocation manager is a DS (supervisor) in the test organisation


def cases(org):
    return [
        Case("assurance:dashboard", "/assurance/", VIEW),
        Case("assurance:records", "/assurance/records/?key=visits_overdue", VIEW),
        Case("assurance:report", "/assurance/report/", {"senior_officer": 200, "auditor": 200}),
        Case("assurance:report_pdf", "/assurance/report/pdf/nobody.pdf", {"senior_officer": 404, "auditor": 404,
                                                                          "anonymous": 302}, default=403,
             note="a prepared PDF is the preparer's alone: no one else's file is found"),
    ]
