"""The zelfevaluatie: questionnaire answers, revisions, documents, cases and submission."""
