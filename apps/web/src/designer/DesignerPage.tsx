export function DesignerPage() {
  return <div className="page">Designer</div>;
}
