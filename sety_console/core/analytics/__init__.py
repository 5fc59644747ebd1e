"""What the supervisor reads, computed without Qt: incident statistics (`stats`, `histogram`,
`gathering`) and the reading of one area's danger analytics (`area`, `area_words`)."""
