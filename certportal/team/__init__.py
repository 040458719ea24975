"""The team lead's view: members' progress, the company's skilling points, what-if, exports."""
